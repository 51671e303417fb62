/**
 * The `[mcp_servers.codex-bridge-tools]` entry written by `migrate`, for
 * plain codex. codex hands MCP servers only an allowlisted environment, so
 * the entry carries the bridge home `migrate` ran with in its `env` table
 * (absolute): the server then finds the same store and tool modules whatever
 * codex's own environment holds. Re-run `migrate` after moving the home.
 */
import { resolve } from "node:path";
import { bridgeHome } from "../paths.js";
import { DEFAULT_AUTO_APPROVED_TOOLS, toolServerCommand } from "../toolServerSpec.js";
import type { CodexServerTable } from "./types.js";

export function toolServerTable(env: NodeJS.ProcessEnv = process.env): CodexServerTable {
  return {
    ...toolServerCommand(),
    env: { CODEX_BRIDGE_HOME: resolve(bridgeHome(env)) },
    startup_timeout_sec: 20,
    // As in the bridge's own threads: memory_write writes only the bridge's memory store, so
    // codex runs it without asking (and does not refuse it under approval_policy "never").
    tools: Object.fromEntries(DEFAULT_AUTO_APPROVED_TOOLS.map((t) => [t, { approval_mode: "approve" }])),
  };
}
