/**
 * Computes what `migrate` would write: the new config.toml text and a report
 * of every decision. Pure: no file is read or written here.
 */
import { BridgeError } from "../errors.js";
import { parseToml } from "../util/toml.js";
import { TOOL_SERVER_NAME } from "../toolServerSpec.js";
import { CODEX_NAME, freeName, normaliseName } from "./names.js";
import { type BlockContent, type BlockServer, insertBlock, renderBlock } from "./managedBlock.js";
import { separate } from "./ownership.js";
import type { CodexServerTable, ServerError, SourceResult } from "./types.js";

/** The bridge's own tool server, as codex sees it. */
export { TOOL_SERVER_NAME };
export const TOOL_SERVER_SOURCE = "codex-bridge";
export const DEFAULT_PERMISSIONS = ":workspace";

export type PluginDiscovery =
  | { ok: true; plugins: Array<{ id: string; enabled: boolean }> }
  | { ok: false; error: string }
  /** Not asked (`--no-plugins`): keep what the block had. */
  | null;

export interface RemoveSelection {
  /** Source labels (`kind:path`) whose servers go. */
  source?: (label: string) => boolean;
  /** Servers (codex name, or the name in their source) that go. */
  names?: string[];
}

export interface PlanInput {
  /** config.toml as it is now; null when it does not exist. */
  currentText: string | null;
  sources: SourceResult[];
  plugins: PluginDiscovery;
  /** The tool server's table; null to leave it out. */
  toolServer: CodexServerTable | null;
  /**
   * Take out instead of adding: `true` takes the whole block out; a selection takes out only the
   * servers of the matching sources and/or the named servers (the rest of the block stays).
   */
  remove?: boolean | RemoveSelection;
}

export interface MigrationReport {
  changed: boolean;
  /** `name` is the codex name; `renamedFrom` the source's name when codex refuses that one. */
  migrated: Array<{
    name: string;
    renamedFrom?: string;
    source: string;
    /** Why it is written with `enabled = false`. */
    disabled?: string;
    skipped: string[];
    warnings: string[];
  }>;
  /** Servers the user defined outside the block: their definition wins. */
  kept: string[];
  /** Servers of the block that came from sources not read this time: left as they were. */
  retained: Array<{ name: string; source: string }>;
  /** Servers that disappeared from the source they came from. */
  removed: string[];
  plugins: { written: Array<{ id: string; enabled: boolean }>; kept: string[]; error: string | null };
  defaultPermissions: string | null;
  toolServer: boolean;
  sources: Array<{ label: string; found: boolean; servers: number; error: string | null }>;
  errors: ServerError[];
  repairs: string[];
  /** Another program (codex mcp add/remove) rearranged config.toml since migrate wrote it; the block was rebuilt. */
  rewritten: boolean;
}

export interface Plan {
  text: string;
  report: MigrationReport;
}

export function planMigration(input: PlanInput): Plan {
  const current = input.currentText ?? "";
  const { outside, old, repairs, rewritten } = separate(current);
  let user: Record<string, unknown>;
  try {
    user = parseToml(outside);
  } catch (cause) {
    throw new BridgeError(
      "CONFIG_INVALID",
      `config.toml without the managed block does not parse: ${firstLine(cause)}`,
      {
        cause,
      },
    );
  }
  const userServers = new Set(Object.keys(user.mcp_servers ?? {}));
  const userPlugins = new Set(Object.keys(user.plugins ?? {}));
  const report: MigrationReport = {
    changed: false,
    migrated: [],
    kept: [],
    retained: [],
    removed: [],
    plugins: { written: [], kept: [], error: null },
    defaultPermissions: null,
    toolServer: false,
    sources: input.sources.map((s) => ({
      label: s.label,
      found: s.found,
      servers: s.servers.length,
      error: s.fileError,
    })),
    errors: input.sources.flatMap((s) => s.errors),
    repairs,
    rewritten,
  };

  if (input.remove === true) {
    const text = outside;
    report.removed = [...old.servers.keys()].sort();
    return { text, report: { ...report, changed: text !== input.currentText && input.currentText !== null } };
  }
  if (input.remove) return removeSome(input.remove, old, userServers, outside, input.currentText, report);

  const readOk = new Set(input.sources.filter((s) => s.found && !s.fileError).map((s) => s.label));
  const readFailed = new Set(input.sources.filter((s) => s.fileError).map((s) => s.label));
  const content: BlockContent = { defaultPermissions: null, servers: new Map(), plugins: new Map() };

  // What other sources wrote before stays (a source that failed to read keeps its servers too).
  for (const [name, entry] of old.servers) {
    if (entry.source === TOOL_SERVER_SOURCE) continue;
    if (readOk.has(entry.source)) {
      if (
        !input.sources.some(
          (s) => s.label === entry.source && s.servers.some((x) => x.name === (entry.from ?? name)),
        )
      ) {
        report.removed.push(name);
      }
      continue;
    }
    content.servers.set(name, entry);
    if (!readFailed.has(entry.source)) report.retained.push({ name, source: entry.source });
  }
  // Names codex accepts claim themselves first; a name codex refuses gets the codex name it was
  // given before (the block records it), else a normalised one that nothing else holds.
  const recorded = new Map<string, string>();
  for (const [name, entry] of old.servers) recorded.set(`${entry.source}\0${entry.from ?? name}`, name);
  const incoming = input.sources.flatMap((s) => s.servers);
  const ordered = [
    ...incoming.filter((s) => CODEX_NAME.test(s.name)),
    ...incoming.filter((s) => !CODEX_NAME.test(s.name)),
  ];
  const claimed = new Set<string>();
  for (const server of ordered) {
    let name = server.name;
    if (!CODEX_NAME.test(name)) {
      const taken = (n: string) =>
        claimed.has(n) ||
        userServers.has(n) ||
        (content.servers.has(n) && !readOk.has(content.servers.get(n)?.source ?? ""));
      const before = recorded.get(`${server.source}\0${server.name}`);
      name = before !== undefined && !taken(before) ? before : freeName(normaliseName(server.name), taken);
    }
    claimed.add(name);
    const earlier = content.servers.get(name);
    if (earlier && readOk.has(earlier.source) && earlier.source !== server.source) {
      report.errors.push({
        name,
        source: earlier.source,
        message: `server ${name} from ${earlier.source} was not migrated: ${server.source} defines it too and comes later, so its definition is written`,
      });
    }
    const entry: BlockServer = { source: server.source, table: server.table };
    if (name !== server.name) entry.from = server.name;
    if (server.disabled !== undefined) entry.disabled = server.disabled;
    content.servers.set(name, entry);
    report.migrated.push({
      name,
      ...(name !== server.name ? { renamedFrom: server.name } : {}),
      source: server.source,
      ...(server.disabled !== undefined ? { disabled: server.disabled } : {}),
      skipped: server.skipped,
      warnings:
        name === server.name
          ? server.warnings
          : [
              `renamed from ${JSON.stringify(server.name)}: codex starts only servers named [a-zA-Z0-9_:@/.-]`,
              ...server.warnings,
            ],
    });
  }
  if (input.toolServer) {
    content.servers.set(TOOL_SERVER_NAME, { source: TOOL_SERVER_SOURCE, table: input.toolServer });
    report.toolServer = true;
  }
  for (const name of [...content.servers.keys()]) {
    if (userServers.has(name)) {
      content.servers.delete(name);
      report.kept.push(name);
      if (name === TOOL_SERVER_NAME) report.toolServer = false;
    }
  }
  report.migrated = report.migrated.filter((m) => content.servers.get(m.name)?.source === m.source);
  // Two sources for a name the user defines: the user's wins, as it should; nothing failed.
  report.errors = report.errors.filter(
    (e) => !report.kept.includes(e.name) || !/ was not migrated: /.test(e.message),
  );

  if (input.plugins?.ok) {
    for (const plugin of input.plugins.plugins) {
      if (userPlugins.has(plugin.id)) report.plugins.kept.push(plugin.id);
      else content.plugins.set(plugin.id, plugin.enabled);
    }
  } else {
    if (input.plugins && !input.plugins.ok) report.plugins.error = input.plugins.error;
    for (const [id, enabled] of old.plugins) if (!userPlugins.has(id)) content.plugins.set(id, enabled);
  }
  report.plugins.written = [...content.plugins].map(([id, enabled]) => ({ id, enabled }));

  if (user.default_permissions === undefined && user.sandbox_mode === undefined) {
    content.defaultPermissions = DEFAULT_PERMISSIONS;
    report.defaultPermissions = DEFAULT_PERMISSIONS;
  }

  const text = insertBlock(outside, renderBlock(content));
  report.changed = text !== input.currentText;
  return { text, report };
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
}

function removeSome(
  selection: RemoveSelection,
  old: BlockContent,
  userServers: Set<string>,
  outside: string,
  currentText: string | null,
  report: MigrationReport,
): Plan {
  const content: BlockContent = { ...old, servers: new Map(old.servers) };
  for (const wanted of selection.names ?? []) {
    const name = [...old.servers].find(([n, e]) => n === wanted || e.from === wanted)?.[0];
    if (name === undefined) {
      throw new BridgeError(
        "NOT_FOUND",
        userServers.has(wanted)
          ? `${wanted} is your own server, not one migrate wrote; remove it with \`codex mcp remove ${wanted}\``
          : `no server ${wanted} in the managed block; \`codex-bridge migrate list\` shows the ones migrate wrote`,
      );
    }
    content.servers.delete(name);
  }
  if (selection.source) {
    for (const [name, entry] of old.servers) if (selection.source(entry.source)) content.servers.delete(name);
  }
  report.removed = [...old.servers.keys()].filter((n) => !content.servers.has(n)).sort();
  const text =
    old.servers.size === 0 && currentText === null ? "" : insertBlock(outside, renderBlock(content));
  return { text, report: { ...report, changed: currentText !== null && text !== currentText } };
}
