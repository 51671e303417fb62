/**
 * The managed block: everything codex-bridge writes into codex's config.toml
 * lives between two marker comments; every byte outside stays as it was.
 * The block always sits just before the file's first table header, so the
 * root keys it holds stay root keys, and the user's root keys above it stay
 * theirs. This module only splices text; it never rewrites the user's TOML.
 */
import { createHash } from "node:crypto";
import { parseToml, type TomlValue, tomlKey, tomlString, tomlValue } from "../util/toml.js";
import { firstTableHeaderOffset } from "../util/tomlScan.js";

export { firstTableHeaderOffset };
import type { CodexServerTable } from "./types.js";

export const START_MARKER =
  "# >>> codex-bridge managed block: written by `codex-bridge migrate`; a table you edit becomes yours >>>";
export const END_MARKER = "# <<< codex-bridge managed block <<<";
const START_RE = /^#\s*(?:>>>\s*codex-bridge managed block|BEGIN CODEX-BRIDGE)\b/i;
const END_RE = /^#\s*(?:<<<\s*codex-bridge managed block|END CODEX-BRIDGE)\b/i;
const SOURCES_PREFIX = "# sources: ";
const PLUGINS_PREFIX = "# plugins: ";
/** The comment lines the block writes under a table header. */
export const OWN_COMMENT = /^# (?:from |named |disabled: )/;
export const META_LINE = /^# (?:sources|plugins): [{[]/;

/** One server the bridge wrote. */
export interface BlockServer {
  /** The source label (`kind:path`) it came from. */
  source: string;
  table: CodexServerTable;
  /** The name in the source, when codex needed another one. */
  from?: string;
  /** Why it is written with `enabled = false`. */
  disabled?: string;
}

/** What the block records per server on its `# sources:` line (a bare string: the source, older blocks). */
type Recorded = string | { source: string; from?: string; disabled?: string; hash?: string };

/** What the block holds. */
export interface BlockContent {
  defaultPermissions: string | null;
  /** codex name → what the bridge wrote there. */
  servers: Map<string, BlockServer>;
  /** plugin id → enabled */
  plugins: Map<string, boolean>;
  /** What the block's comments record it wrote: table hashes (null: an older block without them). */
  recorded?: { servers: Map<string, string | null>; plugins: Map<string, string> };
}

/** A short digest of a table's value (keys sorted): how the bridge recognises a table it wrote. */
export function tableHash(value: unknown): string {
  return createHash("sha256").update(canonical(value)).digest("hex").slice(0, 16);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export interface SplitResult {
  /** The file with every block (and its marker lines) removed. */
  outside: string;
  /** The text of the first well-formed block found, markers included, or null. */
  block: string | null;
  /** Marker problems repaired on the way (orphans, duplicates, legacy markers). */
  repairs: string[];
}

/** Separates the managed block(s) from the rest of the file. */
export function splitBlock(text: string): SplitResult {
  const lines = text.split("\n");
  const keep: string[] = [];
  const repairs: string[] = [];
  let block: string | null = null;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (END_RE.test(line.trim())) {
      repairs.push(`removed an end marker with no start marker (line ${i + 1})`);
      i++;
      continue;
    }
    if (!START_RE.test(line.trim())) {
      keep.push(line);
      i++;
      continue;
    }
    if (!line.startsWith(START_MARKER)) repairs.push(`replaced a legacy start marker (line ${i + 1})`);
    let end = i + 1;
    while (
      end < lines.length &&
      !END_RE.test((lines[end] as string).trim()) &&
      !START_RE.test((lines[end] as string).trim())
    ) {
      end++;
    }
    if (end >= lines.length || START_RE.test((lines[end] as string).trim())) {
      // No end marker: take what is recognizably ours (our key lines and our tables) and stop at anything else.
      end = orphanEnd(lines, i + 1);
      repairs.push(`closed a start marker with no end marker (line ${i + 1})`);
      const body = lines.slice(i, end);
      if (block === null) block = [...body, END_MARKER].join("\n");
      i = end;
    } else {
      if (block === null) block = lines.slice(i, end + 1).join("\n");
      else repairs.push(`removed a duplicate managed block (line ${i + 1})`);
      i = end + 1;
    }
    // The blank line written after the block belongs to it.
    if (i < lines.length && lines[i] === "" && i < lines.length - 1) i++;
  }
  let outside = keep.join("\n");
  if (block?.split("\n").includes(ADDED_NEWLINE) && outside.endsWith("\n")) outside = outside.slice(0, -1);
  return { outside, block, repairs };
}

function orphanEnd(lines: string[], from: number): number {
  let i = from;
  while (i < lines.length) {
    const t = (lines[i] as string).trim();
    if (/^\[/.test(t) && !/^\[(mcp_servers|plugins)\./.test(t)) break;
    i++;
  }
  return i;
}

/** Reads a block written by {@link renderBlock}. */
export function parseBlock(block: string | null): BlockContent {
  const content: BlockContent = { defaultPermissions: null, servers: new Map(), plugins: new Map() };
  if (!block) return content;
  const meta = readMeta(block);
  content.recorded = {
    servers: new Map(
      Object.entries(meta.sources).map(([n, r]) => [n, typeof r === "string" ? null : (r.hash ?? null)]),
    ),
    plugins: new Map(Object.entries(meta.plugins)),
  };
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(block);
  } catch {
    return content; // an unreadable block is rewritten from the sources of this run
  }
  if (typeof doc.default_permissions === "string") content.defaultPermissions = doc.default_permissions;
  for (const [name, table] of Object.entries((doc.mcp_servers ?? {}) as Record<string, CodexServerTable>)) {
    content.servers.set(name, recordedServer(meta.sources[name], table));
  }
  for (const [id, table] of Object.entries((doc.plugins ?? {}) as Record<string, { enabled?: unknown }>)) {
    content.plugins.set(id, table.enabled !== false);
  }
  return content;
}

/** The provenance comments of a block: `# sources:` (servers) and `# plugins:`. */
export function readMeta(block: string): {
  sources: Record<string, Recorded>;
  plugins: Record<string, string>;
} {
  const json = <T>(prefix: string, fallback: T): T => {
    const line = block.split("\n").find((l) => l.startsWith(prefix));
    if (!line) return fallback;
    try {
      const value = JSON.parse(line.slice(prefix.length)) as unknown;
      return value && typeof value === "object" && !Array.isArray(value) ? (value as T) : fallback;
    } catch {
      return fallback;
    }
  };
  return { sources: json(SOURCES_PREFIX, {}), plugins: json(PLUGINS_PREFIX, {}) };
}

/** A server table with what the block recorded about it. */
export function recordedServer(recorded: Recorded | undefined, table: CodexServerTable): BlockServer {
  const entry: BlockServer = {
    source: (typeof recorded === "string" ? recorded : recorded?.source) ?? "unknown",
    table,
  };
  if (typeof recorded === "object" && typeof recorded.from === "string") entry.from = recorded.from;
  if (typeof recorded === "object" && typeof recorded.disabled === "string")
    entry.disabled = recorded.disabled;
  return entry;
}

/** The block's text (markers included), deterministic: servers and plugins sorted by name. */
export function renderBlock(content: BlockContent): string {
  const servers = [...content.servers.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const plugins = [...content.plugins.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const sources = Object.fromEntries(
    servers.map(([name, s]): [string, Recorded] => [
      name,
      {
        source: s.source,
        hash: tableHash(s.table),
        ...(s.from === undefined ? {} : { from: s.from }),
        ...(s.disabled === undefined ? {} : { disabled: s.disabled }),
      },
    ]),
  );
  const out = [START_MARKER, `${SOURCES_PREFIX}${JSON.stringify(sources)}`];
  if (plugins.length > 0) {
    const hashes = Object.fromEntries(plugins.map(([id, enabled]) => [id, tableHash({ enabled })]));
    out.push(`${PLUGINS_PREFIX}${JSON.stringify(hashes)}`);
  }
  if (content.defaultPermissions) out.push(`default_permissions = ${tomlString(content.defaultPermissions)}`);
  for (const [name, { source, table, from, disabled }] of servers) {
    out.push("", `[mcp_servers.${tomlKey(name)}]`, `# from ${oneLine(source)}`);
    if (from !== undefined)
      out.push(`# named ${oneLine(JSON.stringify(from))} there; codex accepts only [a-zA-Z0-9_:@/.-]`);
    if (disabled !== undefined) out.push(`# disabled: ${oneLine(disabled)}`);
    for (const key of orderedKeys(table)) out.push(`${tomlKey(key)} = ${tomlValue(table[key] as TomlValue)}`);
  }
  for (const [id, enabled] of plugins) {
    out.push("", `[plugins.${tomlKey(id)}]`, `enabled = ${enabled ? "true" : "false"}`);
  }
  out.push(END_MARKER);
  return out.join("\n");
}

/**
 * Inserts the block before the first table header of `outside` (then a blank
 * line follows it), or at the end. {@link splitBlock} undoes it byte for byte.
 */
export function insertBlock(outside: string, block: string): string {
  // A byte order mark stays the file's first character (codex accepts it there only).
  const at = Math.max(firstTableHeaderOffset(outside), outside.startsWith("\uFEFF") ? 1 : 0);
  if (firstTableHeaderOffset(outside) !== -1)
    return `${outside.slice(0, at)}${block}\n\n${outside.slice(at)}`;
  if (outside === "" || outside === "\uFEFF" || outside.endsWith("\n")) return `${outside}${block}\n`;
  // The last line had no newline: the block adds one, and says so, so that taking it out restores the bytes.
  const [first, ...rest] = block.split("\n");
  return `${outside}\n${[first, ADDED_NEWLINE, ...rest].join("\n")}\n`;
}

/** In a block appended to a file whose last line had no newline: `splitBlock` removes that newline again. */
const ADDED_NEWLINE =
  "# (the line above had no newline at its end; migrate --remove takes this one out again)";

const KEY_ORDER = [
  "command",
  "args",
  "cwd",
  "url",
  "bearer_token_env_var",
  "http_headers",
  "env_http_headers",
  "env",
  "env_vars",
  "startup_timeout_sec",
  "tool_timeout_sec",
  "enabled",
  "enabled_tools",
  "disabled_tools",
];

function orderedKeys(table: CodexServerTable): string[] {
  const known = KEY_ORDER.filter((k) => table[k] !== undefined);
  const rest = Object.keys(table)
    .filter((k) => !KEY_ORDER.includes(k))
    .sort();
  return [...known, ...rest];
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}
