/**
 * Secrets out of what is printed. As `codex mcp list` does, every value of
 * an `env` or `http_headers` table is shown as `*****`, and so is any
 * string shaped like a token (`sk-…`, `ghp_…`, `Bearer …`) anywhere else.
 * The bridge's own variables (`CODEX_BRIDGE_HOME`, a path the entry `migrate`
 * writes for its tool server carries) are not secrets and are shown. Used on
 * the texts a diff is made of (`--dry-run`, `--json`, doctor).
 */
import { tableHeaders } from "./tables.js";

export const MASK = "*****";
const SECRET_TABLES = new Set(["env", "http_headers"]);
/** Variables the bridge itself writes into an `env` table: paths, never secrets. */
const PUBLIC_ENV = new Set(["CODEX_BRIDGE_HOME", "CODEX_BRIDGE_STORE"]);
const QUOTED = String.raw`("(?:[^"\\]|\\.)*"|'[^']*')`;
const STRING = new RegExp(QUOTED, "g");
/** The quoted value at the start of a `K = "v"` line's value. */
const LEADING_VALUE = new RegExp(String.raw`^(\s*)${QUOTED}`);
/** Each `K = "v"` of an inline table, its key part (with the `=`) and its value captured. */
const INLINE_ENTRY = new RegExp(String.raw`((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=\s*)${QUOTED}`, "g");
const unquote = (key: string) => key.trim().replace(/^["']|["']$/g, "");
const SECRET_SHAPE =
  /^["'](?:sk-|sk_|ghp_|gho_|ghs_|github_pat_|xox[abpr]-|AKIA|eyJ|glpat-|Bearer\s+[^\s"']{8,}["']$)/;

export function maskSecrets(text: string): string {
  const lines = text.split("\n");
  const headers = tableHeaders(lines);
  let h = 0;
  let secretTable = false;
  return lines
    .map((line, n) => {
      if (headers[h]?.line === n) {
        const path = (headers[h] as { path: string[] }).path;
        secretTable = path.length >= 3 && SECRET_TABLES.has(path[path.length - 1] as string);
        h++;
        return line;
      }
      if (/^\s*#/.test(line)) return line;
      const eq = keyValueSplit(line);
      if (eq === -1) return line.replace(STRING, (s) => (SECRET_SHAPE.test(s) ? `"${MASK}"` : s));
      const key = unquote(line.slice(0, eq));
      const value = line.slice(eq + 1);
      if (secretTable) {
        // `K = "v"` inside an [.env] / [.http_headers] table.
        if (PUBLIC_ENV.has(key)) return line;
        return `${line.slice(0, eq + 1)}${value.replace(LEADING_VALUE, `$1"${MASK}"`)}`;
      }
      if (SECRET_TABLES.has(key.split(".").at(-1) ?? "")) {
        // `env = { K = "v", … }` inline: each value but the bridge's own.
        return `${line.slice(0, eq + 1)}${value.replace(INLINE_ENTRY, (_m, k: string, v: string) =>
          PUBLIC_ENV.has(unquote(k.replace(/\s*=\s*$/, ""))) ? `${k}${v}` : `${k}"${MASK}"`,
        )}`;
      }
      return `${line.slice(0, eq + 1)}${value.replace(STRING, (s) => (SECRET_SHAPE.test(s) ? `"${MASK}"` : s))}`;
    })
    .join("\n");
}

/** Index of the `=` of a `key = value` line (outside quoted keys), or -1. */
function keyValueSplit(line: string): number {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === "\\" && quote === '"') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "=") return i;
    else if (ch === "#" || ch === "[") return -1;
  }
  return -1;
}
