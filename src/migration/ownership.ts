/**
 * Which tables of config.toml are the bridge's. Not where a table sits:
 * codex's own `codex mcp add/remove` rewrite the file and move tables across
 * the block's marker comments. The block records the name and a hash of
 * every table it wrote; a table is the bridge's when its name is recorded
 * and its value still has that hash. Everything else is the user's —
 * never removed or rewritten, wherever it sits. A table the bridge wrote and
 * the user then edited becomes the user's.
 */
import { parseToml } from "../util/toml.js";
import {
  type BlockContent,
  META_LINE,
  OWN_COMMENT,
  parseBlock,
  readMeta,
  recordedServer,
  START_MARKER,
  splitBlock,
  tableHash,
} from "./managedBlock.js";
import { tableHeaders } from "./tables.js";
import type { CodexServerTable } from "./types.js";

export interface Separated {
  /** The user's text: the file without the block and without the bridge's tables, wherever they were. */
  outside: string;
  /** The bridge's own entries as they are in the file now. */
  old: BlockContent;
  repairs: string[];
  /** The file was rearranged by another program since `migrate` wrote it. */
  rewritten: boolean;
}

const MARKER = /^#\s*(?:>>>|<<<)\s*codex-bridge managed block|^#\s*(?:BEGIN|END) CODEX-BRIDGE/i;

export function separate(text: string): Separated {
  const split = splitBlock(text);
  const byPosition = parseBlock(split.block);
  const simple: Separated = {
    outside: split.outside,
    old: byPosition,
    repairs: split.repairs,
    rewritten: false,
  };
  if (split.block === null) return simple;
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch {
    return simple; // the caller refuses a file that does not parse
  }
  const meta = readMeta(split.block);
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith(START_MARKER) || /^#\s*>>>\s*codex-bridge/i.test(l));
  const endRel = lines.slice(start + 1).findIndex((l) => MARKER.test(l.trim()));
  const end = endRel === -1 ? lines.length : start + 1 + endRel;
  const inRegion = (n: number) => n > start && n < end;
  const headers = tableHeaders(lines);
  const headersOf = (kind: string, name: string) =>
    headers.filter((h) => h.path[0] === kind && h.path[1] === name);

  const servers = (doc.mcp_servers ?? {}) as Record<string, CodexServerTable>;
  const plugins = (doc.plugins ?? {}) as Record<string, { enabled?: unknown }>;
  const old: BlockContent = {
    defaultPermissions: byPosition.defaultPermissions,
    servers: new Map(),
    plugins: new Map(),
  };
  const adopted: string[] = [];
  for (const [name, recorded] of Object.entries(meta.sources)) {
    const table = servers[name];
    if (table === undefined) continue;
    const hash = typeof recorded === "string" ? undefined : recorded.hash;
    const ours =
      hash === undefined
        ? headersOf("mcp_servers", name).every((h) => inRegion(h.line))
        : tableHash(table) === hash;
    if (ours) old.servers.set(name, recordedServer(recorded, table));
    else adopted.push(name);
  }
  const pluginsRecorded = Object.keys(meta.plugins).length > 0;
  for (const [id, table] of Object.entries(plugins)) {
    const hash = meta.plugins[id];
    const ours = pluginsRecorded
      ? hash !== undefined && tableHash({ enabled: table.enabled }) === hash
      : headersOf("plugins", id).every((h) => inRegion(h.line)) && byPosition.plugins.has(id);
    if (ours) old.plugins.set(id, table.enabled !== false);
  }
  const owns = (path: string[]) =>
    (path[0] === "mcp_servers" && old.servers.has(path[1] ?? "")) ||
    (path[0] === "plugins" && old.plugins.has(path[1] ?? ""));
  const strangers = headers.filter((h) => inRegion(h.line) && !owns(h.path));
  const strays = headers.filter((h) => !inRegion(h.line) && owns(h.path));
  if (strangers.length === 0 && strays.length === 0 && adopted.length === 0) return { ...simple, old };

  // Rebuild: take out the markers, the block's comments and root key, and the bridge's own tables.
  const drop = new Set<number>();
  for (let n = start; n <= Math.min(end, lines.length - 1); n++) {
    const line = lines[n] as string;
    if (n === start || n === end || META_LINE.test(line)) drop.add(n);
  }
  const firstHeaderInRegion = headers.find((h) => inRegion(h.line))?.line ?? end;
  for (let n = start + 1; n < firstHeaderInRegion; n++) {
    if (byPosition.defaultPermissions !== null && /^default_permissions\s*=/.test(lines[n] as string))
      drop.add(n);
  }
  for (const [i, h] of headers.entries()) {
    if (!owns(h.path)) continue;
    const next = headers[i + 1]?.line ?? lines.length;
    let last = h.line;
    for (let n = h.line + 1; n < next; n++) {
      const t = (lines[n] as string).trim();
      if (MARKER.test(t)) break;
      if (t !== "" && !t.startsWith("#")) last = n;
    }
    for (let n = h.line; n <= last; n++) drop.add(n);
    for (let n = last + 1; n < next && OWN_COMMENT.test(lines[n] as string); n++) drop.add(n);
    if (lines[last + 1] === "" && last + 1 < next) drop.add(last + 1);
  }
  for (const h of headers)
    if (inRegion(h.line) && !owns(h.path) && OWN_COMMENT.test(lines[h.line + 1] ?? "")) drop.add(h.line + 1);
  const outside = lines.filter((_, n) => !drop.has(n)).join("\n");
  const yours = [
    ...new Set(
      strangers
        .filter((h) => h.path[0] === "mcp_servers" || h.path[0] === "plugins")
        .map((h) => h.path[1] ?? ""),
    ),
  ];
  const repairs = [...split.repairs.filter((r) => !/end marker|start marker/.test(r))];
  for (const name of adopted)
    repairs.push(`${name}: edited since migrate wrote it, so it is yours now and stays as you left it`);
  if (strangers.length > 0 || strays.length > 0) {
    repairs.push(
      `config.toml was rearranged by another program since migrate wrote it (codex mcp add/remove rewrite the file): the block was rebuilt around the bridge's own servers${yours.length ? `; ${yours.join(", ")} ${yours.length === 1 ? "is" : "are"} yours and stay${yours.length === 1 ? "s" : ""} as you have it` : ""}`,
    );
  }
  return { outside, old, repairs, rewritten: true };
}
