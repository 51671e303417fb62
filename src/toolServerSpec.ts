/**
 * How codex starts the bridge's own MCP tool server, and how that server
 * learns whose thread it serves. Shared by the session layer (which injects
 * the server per thread) and the migration (which registers it in
 * config.toml); the server itself lives in src/mcp.
 */
import { fileURLToPath } from "node:url";

/** The server's name in codex (`mcp__codex-bridge-tools__<tool>` to the model). */
export const TOOL_SERVER_NAME = "codex-bridge-tools";

/** Environment variables that carry a thread's identity to its tool server. */
export const IDENTITY_ENV = {
  sessionId: "CODEX_BRIDGE_SESSION_ID",
  threadId: "CODEX_BRIDGE_THREAD_ID",
  taskId: "CODEX_BRIDGE_TASK_ID",
  storePath: "CODEX_BRIDGE_STORE",
  modules: "CODEX_BRIDGE_TOOL_MODULES",
} as const;

/** Built-in tools that only read: their calls are approved without asking. */
export const BUILTIN_READ_ONLY_TOOLS: readonly string[] = [
  "session_search",
  "session_read",
  "memory_read",
  "memory_search",
];

/** Built-in tools that write, but only to the bridge's own store: pre-approved in each thread by default. */
export const DEFAULT_AUTO_APPROVED_TOOLS: readonly string[] = ["memory_write"];

/** bin/codex-bridge.js of this installation (dist/ and src/ both sit one level below the package root). */
export function cliScriptPath(): string {
  return fileURLToPath(new URL("../bin/codex-bridge.js", import.meta.url));
}

/** The command codex runs: absolute node and script paths, so it works from any cwd. */
export function toolServerCommand(): { command: string; args: string[] } {
  return { command: process.execPath, args: [cliScriptPath(), "mcp-serve"] };
}
