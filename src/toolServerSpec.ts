/**
 * How codex starts the bridge's own MCP tool server, and how that server
 * learns whose thread it serves. Shared by the session layer (which injects
 * the server per thread) and the migration (which registers it in
 * config.toml); the server itself lives in src/mcp.
 */
import { fileURLToPath } from "node:url";

/**
 * The stdio server's name in codex (`mcp__codex_bridge_tools` to the model):
 * what `migrate` registers for plain codex, and what a bridge without an
 * HTTP endpoint injects per thread.
 */
export const TOOL_SERVER_NAME = "codex-bridge-tools";

/**
 * The name of the bridge's in-process HTTP tool endpoint in codex
 * (`mcp__codex_bridge` to the model). It cannot share the stdio server's
 * name: codex merges a thread's config over config.toml's tables, and a
 * `url` over the `command` that `migrate` registered is refused ("url is not
 * supported for stdio"). Threads that get the endpoint get the stdio entry
 * disabled instead.
 */
export const HTTP_TOOL_SERVER_NAME = "codex-bridge";

/** Who a tool call comes from, as the bridge knows it. */
export interface ToolCaller {
  sessionId: string;
  threadId: string | null;
  taskId: string | null;
  /** The store's absolute path; null when the bridge has no store file. */
  storePath: string | null;
  /** Where the kanban board lives (a path or a postgres URL); null/absent: the tool server's default board. */
  board?: string | null;
  /** The dispatcher holding the lease of `taskId` (the worker's tools act as that holder). */
  taskHolder?: string | null;
  /** How far a worker's heartbeat extends the lease (ms). */
  leaseMs?: number | null;
}

/**
 * An MCP endpoint the bridge's threads reach over streamable HTTP, serving
 * the tools from inside the host's process (one listener for all threads,
 * instead of one `mcp-serve` process per thread). Defined here, below the
 * codex layer, so the bridge can take one without importing src/mcp, which
 * implements it (`httpToolEndpoint` in `codex-bridge/tools`).
 */
export interface ToolEndpointProvider {
  /**
   * Starts a listener. `identify` maps the secret a request carries
   * (`Authorization: Bearer <secret>`) to its caller, or null: the request is
   * refused. `modules`: host tool modules to serve besides the provider's own.
   */
  listen(options: {
    identify: (secret: string) => ToolCaller | null;
    modules: string[];
  }): Promise<ToolEndpointListener>;
}

export interface ToolEndpointListener {
  /** Where threads reach it, e.g. `http://127.0.0.1:40123/mcp`. */
  readonly url: string;
  /** Stops listening; calls still running are aborted. */
  close(): Promise<void>;
}

/**
 * Environment variables that carry a thread's identity to its tool server.
 * Without `CODEX_BRIDGE_STORE` the server uses `$CODEX_BRIDGE_HOME/bridge.db`
 * (`~/.codex-bridge/bridge.db`), the bridge's default store.
 */
export const IDENTITY_ENV = {
  sessionId: "CODEX_BRIDGE_SESSION_ID",
  threadId: "CODEX_BRIDGE_THREAD_ID",
  taskId: "CODEX_BRIDGE_TASK_ID",
  storePath: "CODEX_BRIDGE_STORE",
  board: "CODEX_BRIDGE_BOARD",
  taskHolder: "CODEX_BRIDGE_TASK_HOLDER",
  leaseMs: "CODEX_BRIDGE_LEASE_MS",
  modules: "CODEX_BRIDGE_TOOL_MODULES",
} as const;

/**
 * `CODEX_BRIDGE_STORE` value meaning "no store": a bridge that keeps its store
 * in memory (or none) says so, rather than let its tool servers fall back to
 * the default store on disk. Tools that need the store then fail, saying why.
 */
export const NO_STORE = ":none:";

/** The identity part of a thread's tool-server `env` table. */
export function toolServerIdentityEnv(identity: {
  sessionId: string;
  threadId?: string | null;
  taskId?: string | null;
  /** The store's absolute path; null when the bridge has no store file. */
  storePath: string | null;
  board?: string | null;
  taskHolder?: string | null;
  leaseMs?: number | null;
}): Record<string, string> {
  const env: Record<string, string> = {
    [IDENTITY_ENV.sessionId]: identity.sessionId,
    [IDENTITY_ENV.storePath]: identity.storePath ?? NO_STORE,
  };
  if (identity.threadId) env[IDENTITY_ENV.threadId] = identity.threadId;
  if (identity.taskId) env[IDENTITY_ENV.taskId] = identity.taskId;
  if (identity.board) env[IDENTITY_ENV.board] = identity.board;
  if (identity.taskHolder) env[IDENTITY_ENV.taskHolder] = identity.taskHolder;
  if (identity.leaseMs) env[IDENTITY_ENV.leaseMs] = String(identity.leaseMs);
  return env;
}

/** Built-in tools that only read: their calls are approved without asking. */
export const BUILTIN_READ_ONLY_TOOLS: readonly string[] = [
  "session_search",
  "session_read",
  "memory_read",
  "memory_search",
  "kanban_show",
  "kanban_list",
];

/** Built-in tools that write, but only to the bridge's own store: pre-approved in each thread by default. */
export const DEFAULT_AUTO_APPROVED_TOOLS: readonly string[] = ["memory_write"];

/** The worker's handoff tools: they act on the thread's own task, as its lease holder. */
export const WORKER_HANDOFF_TOOLS: readonly string[] = [
  "kanban_complete",
  "kanban_block",
  "kanban_comment",
  "kanban_heartbeat",
];

/**
 * Tools pre-approved in worker threads (those with a task identity),
 * whatever the approval policy: the handoff tools write only the board and
 * only the worker's own task, and a worker that cannot report back hangs
 * its task; the orchestrator's tools are refused there with an error that
 * says why, so approving them asks nobody about nothing.
 */
export const WORKER_APPROVED_TOOLS: readonly string[] = [
  ...WORKER_HANDOFF_TOOLS,
  "kanban_create",
  "kanban_unblock",
  "kanban_link",
];
/** bin/codex-bridge.js of this installation (dist/ and src/ both sit one level below the package root). */
export function cliScriptPath(): string {
  return fileURLToPath(new URL("../bin/codex-bridge.js", import.meta.url));
}

/** The command codex runs: absolute node and script paths, so it works from any cwd. */
export function toolServerCommand(): { command: string; args: string[] } {
  return { command: process.execPath, args: [cliScriptPath(), "mcp-serve"] };
}
