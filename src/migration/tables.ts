/**
 * Table headers of a TOML text, found without rewriting it: each root-level
 * `[a.b]` / `[[a.b]]` line with its key path (multi-line strings and arrays
 * skipped). Used to take the bridge's own tables out of a file that another
 * program (codex's own `codex mcp add/remove`) has reordered.
 */
import { parseToml } from "../util/toml.js";
import { rootHeaderLines } from "../util/tomlScan.js";

export interface Header {
  /** 0-based line index. */
  line: number;
  path: string[];
}

export function tableHeaders(lines: string[]): Header[] {
  const out: Header[] = [];
  for (const n of rootHeaderLines(lines)) {
    const path = headerPath(lines[n] ?? "");
    if (path) out.push({ line: n, path });
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
