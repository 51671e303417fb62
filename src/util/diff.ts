/**
 * A unified diff of two texts (line based, LCS), for `--dry-run` and drift
 * reports. Meant for config files: quadratic in the number of lines.
 */
export function unifiedDiff(before: string, after: string, names = { a: "a", b: "b" }, context = 3): string {
  if (before === after) return "";
  const a = before.split("\n");
  const b = after.split("\n");
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the LCS of a[i..] and b[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as Uint32Array;
    const below = lcs[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--) {
      row[j] =
        a[i] === b[j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number);
    }
  }
  type Op = { kind: " " | "-" | "+"; text: string; ai: number; bi: number };
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: " ", text: a[i] as string, ai: i++, bi: j++ });
    } else if (
      j < m &&
      (i === n || ((lcs[i] as Uint32Array)[j + 1] as number) >= ((lcs[i + 1] as Uint32Array)[j] as number))
    ) {
      ops.push({ kind: "+", text: b[j] as string, ai: i, bi: j++ });
    } else {
      ops.push({ kind: "-", text: a[i] as string, ai: i++, bi: j });
    }
  }
  const out = [`--- ${names.a}`, `+++ ${names.b}`];
  let k = 0;
  while (k < ops.length) {
    if ((ops[k] as Op).kind === " ") {
      k++;
      continue;
    }
    let start = Math.max(0, k - context);
    let end = k;
    // extend the hunk while changes are within 2*context lines of each other
    while (end < ops.length) {
      if ((ops[end] as Op).kind !== " ") {
        end++;
        continue;
      }
      let run = end;
      while (run < ops.length && (ops[run] as Op).kind === " ") run++;
      if (run < ops.length && run - end <= 2 * context) end = run;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    while (start > 0 && (ops[start - 1] as Op).kind !== " ") start--;
    const hunk = ops.slice(start, stop);
    const aStart = (hunk[0] as Op).ai;
    const bStart = (hunk[0] as Op).bi;
    const aLen = hunk.filter((o) => o.kind !== "+").length;
    const bLen = hunk.filter((o) => o.kind !== "-").length;
    out.push(`@@ -${aLen ? aStart + 1 : aStart},${aLen} +${bLen ? bStart + 1 : bStart},${bLen} @@`);
    for (const op of hunk) out.push(`${op.kind}${op.text}`);
    k = stop;
  }
  return `${out.join("\n")}\n`;
}
