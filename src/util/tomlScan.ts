/** Finding structure in TOML text without parsing (and so without rewriting) it. */

/**
 * Byte offset of the first line that starts a table (`[x]` or `[[x]]`) at the
 * root of the document, skipping multi-line strings and arrays; -1 if none.
 */
export function firstTableHeaderOffset(text: string): number {
  let offset = 0;
  let depth = 0;
  let multi: '"""' | "'''" | null = null;
  for (const line of text.split("\n")) {
    if (multi === null && depth === 0 && /^\s*\[/.test(line)) return offset;
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
    offset += line.length + 1;
  }
  return -1;
}
