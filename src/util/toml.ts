import { parse } from "smol-toml";

/**
 * Encoding values as TOML text. Used for `-c key=value` overrides and for any
 * config the bridge writes: every string goes through {@link tomlString}.
 */

/** A TOML basic string: quotes, backslashes, control characters and DEL escaped. */
export function tomlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A key as TOML allows it: bare when it can be, quoted otherwise. */
export function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : tomlString(key);
}

/** A value that can be written inline: strings, finite numbers, booleans, arrays and inline tables. */
export type TomlValue = string | number | boolean | TomlValue[] | { [key: string]: TomlValue };

/** Encodes a value inline (arrays as `[...]`, tables as `{ k = v }`). */
export function tomlValue(value: TomlValue): string {
  if (typeof value === "string") return tomlString(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`cannot write ${String(value)} as a TOML value`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(", ")}]`;
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  return `{ ${entries.map(([k, v]) => `${tomlKey(k)} = ${tomlValue(v)}`).join(", ")} }`;
}

/**
 * Parses TOML 1.0 (smol-toml, as codex speaks it; a UTF-8 byte order mark is allowed, as codex
 * allows it) into plain objects. Throws `TomlParseError`, whose message is one line with the
 * position: `line 2, column 5: invalid value`.
 */
export function parseToml(text: string): Record<string, unknown> {
  try {
    return plainData(parse(text)) as Record<string, unknown>;
  } catch (cause) {
    throw new TomlParseError(cause);
  }
}

/** A TOML document that does not parse; `line` / `column` are 1-based (null when unknown). */
export class TomlParseError extends Error {
  readonly line: number | null;
  readonly column: number | null;
  constructor(cause: unknown) {
    const err = cause as { message?: string; line?: number; column?: number };
    const reason = (err.message ?? String(cause))
      .replace(/^Invalid TOML document:\s*/, "")
      .split("\n")[0]
      ?.replace(/[:\s]+$/, "");
    const where = typeof err.line === "number" ? `line ${err.line}, column ${err.column ?? 1}: ` : "";
    super(`${where}${reason || "invalid TOML"}`, { cause });
    this.name = "TomlParseError";
    this.line = typeof err.line === "number" ? err.line : null;
    this.column = typeof err.column === "number" ? err.column : null;
  }
}

/** Plain objects and arrays (smol-toml's tables have no prototype; dates become their TOML text). */
function plainData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainData);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainData(v)]));
  return value;
}
