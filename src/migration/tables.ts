/**
 * Table headers of a TOML text, found without rewriting it: each root-level
 * `[a.b]` / `[[a.b]]` line with its key path (multi-line strings and arrays
 * skipped). Used to take the bridge's own tables out of a file that another
 * program (codex's own `codex mcp add/remove`) has reordered.
 */
import { parseToml } from "../util/toml.js";

export interface Header {
  /** 0-based line index. */
  line: number;
  path: string[];
}

export function tableHeaders(lines: string[]): Header[] {
  const out: Header[] = [];
  let depth = 0;
  let multi: '"""' | "'''" | null = null;
  for (const [n, line] of lines.entries()) {
    if (multi === null && depth === 0 && /^\s*\[/.test(line)) {
      const path = headerPath(line);
      if (path) out.push({ line: n, path });
      continue;
    }
    let i = 0;
    while (i < line.length) {
      if (multi) {
        const close = line.indexOf(multi, i);
        if (close === -1) i = line.length;
        else {
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

/** The key path of one header line, read by the TOML parser itself (quoted keys, dots, spaces). */
function headerPath(line: string): string[] | null {
  let doc: unknown;
  try {
    doc = parseToml(line);
  } catch {
    return null;
  }
  const path: string[] = [];
  while (doc && typeof doc === "object") {
    const node: unknown = Array.isArray(doc) ? doc[doc.length - 1] : doc;
    const keys = node && typeof node === "object" ? Object.keys(node) : [];
    if (keys.length !== 1) break;
    const key = keys[0] as string;
    path.push(key);
    doc = (node as Record<string, unknown>)[key];
  }
  return path.length > 0 ? path : null;
}
