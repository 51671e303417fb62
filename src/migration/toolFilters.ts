/**
 * Hermes tool filters → codex's `enabled_tools` / `disabled_tools`. Hermes
 * matches `tools.include` / `tools.exclude` as globs and lets `include` win;
 * codex matches exact names. A glob is expanded against the server's real
 * tool list, read from codex itself (`mcpServerStatus/list` on a
 * short-lived app-server with a throwaway CODEX_HOME); when that list
 * cannot be had, the server is written disabled — never with a filter wider
 * than the user's.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CodexClient } from "../codex/client.js";
import { tomlKey, tomlValue } from "../util/toml.js";
import type { ImportedServer } from "./types.js";

export interface ToolFilter {
  kind: "include" | "exclude";
  patterns: string[];
}

export const isGlob = (pattern: string) => /[*?[]/.test(pattern);

/** fnmatch-style: `*` any run, `?` one character, `[…]` a class. */
export function globMatcher(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === "*") re += ".*";
    else if (ch === "?") re += ".";
    else if (ch === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close === -1) re += "\\[";
      else {
        const body = pattern
          .slice(i + 1, close)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\");
        re += `[${body}]`;
        i = close;
      }
    } else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** Lists the tools of the servers with a glob filter and writes exact-name filters, or disables them. */
export async function expandToolFilters(
  servers: ImportedServer[],
  options: { codexBin?: string },
): Promise<void> {
  const pending = servers.filter((s) => s.toolFilter && s.disabled === undefined);
  if (pending.length === 0) return;
  const listed = await listTools(pending, options);
  for (const [i, server] of pending.entries()) {
    const filter = server.toolFilter as ToolFilter;
    const what = `tools.${filter.kind} ${JSON.stringify(filter.patterns)}`;
    const tools = listed.tools.get(`s${i}`);
    if (!tools) {
      server.table.enabled = false;
      server.disabled = `${what} are patterns codex cannot match (it takes exact tool names), and the server's tools could not be listed to expand them (${listed.errors.get(`s${i}`) ?? listed.error ?? "it did not start"})`;
      continue;
    }
    const matchers = filter.patterns.map(globMatcher);
    const hit = tools.filter((t) => matchers.some((m) => m.test(t))).sort();
    server.table[filter.kind === "include" ? "enabled_tools" : "disabled_tools"] = hit;
    server.warnings.push(
      `${what} expanded against the server's ${tools.length} tool(s) as listed now: ${hit.join(", ") || "none"} (a tool added later is ${filter.kind === "include" ? "not enabled" : "not excluded"}; re-run migrate)`,
    );
    if (filter.kind === "exclude" && tools.length === 0) {
      server.table.enabled = false;
      server.disabled = `${what} could not be checked: the server listed no tools`;
    }
  }
}

async function listTools(
  servers: ImportedServer[],
  options: { codexBin?: string },
): Promise<{ tools: Map<string, string[]>; errors: Map<string, string>; error: string | null }> {
  const tools = new Map<string, string[]>();
  const errors = new Map<string, string>();
  const home = await mkdtemp(join(tmpdir(), "codex-bridge-tools-"));
  let client: CodexClient | undefined;
  try {
    const lines = ["[features]", "plugins = false", ""];
    for (const [i, server] of servers.entries()) {
      const { enabled_tools: _e, disabled_tools: _d, enabled: _x, ...table } = server.table;
      lines.push(`[mcp_servers.s${i}]`);
      for (const [k, v] of Object.entries(table)) lines.push(`${tomlKey(k)} = ${tomlValue(v)}`);
      lines.push("");
    }
    await writeFile(join(home, "config.toml"), lines.join("\n"), { mode: 0o600 });
    client = await CodexClient.start({
      ...(options.codexBin ? { codexBin: options.codexBin } : {}),
      codexHome: home,
      cwd: home,
      connection: { requestTimeoutMs: 30_000 },
      shutdownGraceMs: 1000,
    });
    const listed = await client.mcpServerStatusList({ detail: "toolsAndAuthOnly" });
    for (const s of listed.data) {
      if (s.toolsError) errors.set(s.name, s.toolsError);
      else tools.set(s.name, Object.keys(s.tools));
    }
    return { tools, errors, error: null };
  } catch (err) {
    return { tools, errors, error: err instanceof Error ? err.message : String(err) };
  } finally {
    await client?.close();
    await rm(home, { recursive: true, force: true });
  }
}
