/** Finding structure in TOML text without parsing (and so without rewriting) it. */

/**
 * Indexes of the lines that start a table (`[x]` or `[[x]]`) at the root of
 * the document, skipping multi-line strings and arrays.
 */
export function rootHeaderLines(lines: readonly string[]): number[] {
  const out: number[] = [];
  let depth = 0;
  let multi: '"""' | "'''" | null = null;
  for (const [n, line] of lines.entries()) {
    if (multi === null && depth === 0 && /^\s*\[/.test(line)) {
      out.push(n);
      continue;
    }
    let i = 0;
    while (i < line.length) {
      if (multi) {
        const close = line.indexOf(multi, i);
        if (close === -1) {
          i = line.length;
        } else {
          i = close + 3;
          multi = null;
        }
        continue;
      }
      const ch = line[i];
      if (ch === "#") break;
      if (line.startsWith('"""', i) || line.startsWith("'''", i)) {
        multi = line.slice(i, i + 3) as '"""' | "'''";
        i += 3;
      } else if (ch === '"') {
        i++;
        while (i < line.length && line[i] !== '"') i += line[i] === "\\" ? 2 : 1;
        i++;
      } else if (ch === "'") {
        const close = line.indexOf("'", i + 1);
        i = close === -1 ? line.length : close + 1;
      } else {
        if (ch === "[" || ch === "{") depth++;
        else if (ch === "]" || ch === "}") depth = Math.max(0, depth - 1);
        i++;
      }
    }
  }
  return out;
}

/** Byte offset of the first root-level table header line (see {@link rootHeaderLines}); -1 if none. */
export function firstTableHeaderOffset(text: string): number {
  const lines = text.split("\n");
  const first = rootHeaderLines(lines)[0];
  if (first === undefined) return -1;
  return lines.slice(0, first).reduce((offset, line) => offset + line.length + 1, 0);
}
