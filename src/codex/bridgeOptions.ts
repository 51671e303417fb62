/**
 * The options of {@link CodexBridge}, with their defaults, and their
 * validation: each bad value is refused by name before anything starts.
 */
import { BridgeError } from "../errors.js";
import { type JournalOptions, validateJournalOptions } from "../store/journalCap.js";
import type { BridgeStore } from "../store/store.js";
import type { ApprovalOptions } from "./approvals.js";
import type { CodexClientOptions } from "./client.js";
import type { DynamicToolProvider } from "./dynamicTools.js";
import type { ToolServerOption } from "./toolServer.js";
import type { WatchdogOptions } from "./watchdog.js";

export interface CodexBridgeOptions extends Pick<
  CodexClientOptions,
  | "codexBin"
  | "codexHome"
  | "configOverrides"
  | "experimentalApi"
  | "env"
  | "cwd"
  | "shutdownGraceMs"
  | "clientInfo"
  | "requestTimeoutMs"
> {
  /**
   * Where sessions, transcripts, the journal and the approvals audit live: a
   * path, an open {@link BridgeStore}, or `false` for memory only.
   * Default `$CODEX_BRIDGE_HOME/bridge.db` (`~/.codex-bridge/bridge.db`).
   */
  store?: string | BridgeStore | false;
  /** Default approval handling for sessions that do not set their own. Default: ask, i.e. decline without a handler. */
  approvals?: ApprovalOptions;
  /** Default turn watchdogs. Defaults: 600 s deadline, 90 s quiet after a tool. */
  watchdog?: WatchdogOptions;
  /** How long to wait for codex to confirm an interrupt before retiring the process. Default 10000 ms. */
  interruptGraceMs?: number;
  /** Largest tool output kept in a transcript message. Default 32000 characters. */
  maxOutputChars?: number;
  /**
   * What the journal keeps: command output per item up to `maxOutputChars`
   * (default: the transcript's cap), entries for `retainDays` (default 30,
   * pruned when the bridge opens its store; `Infinity` keeps all).
   */
  journal?: JournalOptions;
  /**
   * The bridge's own MCP tool server (session search, memory, host tools),
   * given to every thread with that session's identity. `false` leaves it
   * out. Default: on, no extra modules, served by a `codex-bridge mcp-serve`
   * process per thread (server `codex-bridge-tools`) unless `endpoint` is set.
   * - `endpoint`: serve the tools from this process instead, over MCP
   *   streamable HTTP on 127.0.0.1 (`httpToolEndpoint()` from
   *   `codex-bridge/tools`; server `codex-bridge`), started with the first
   *   session. Each thread reaches it with its own secret, which the bridge
   *   maps to that thread's identity; no process per thread. The CLI uses it.
   * - `modules`: host tool modules to serve besides those in the bridge config.
   * - `autoApprove`: tools codex runs without an approval request, even under
   *   approval_policy "never" (default `["memory_write"]`: it writes only the
   *   bridge's own memory store). Read-only tools never need approval.
   * - `readyTimeoutMs`: how long a new thread waits for its tool server before
   *   its first turn. Default 10000.
   */
  toolServer?: false | ToolServerOption;
  /**
   * Sessions without a turn for this long are unloaded: their codex thread is
   * released and the bridge forgets them; a later `run` on the same Session
   * (or `resumeSession`) loads them again. Default 1800000 ms (30 min); 0 never.
   */
  idleTimeoutMs?: number;
  /**
   * codex keeps a released thread's MCP server processes until the app-server
   * exits: after this many sessions were closed or unloaded, the bridge
   * restarts the app-server the next time no turn runs (live sessions resume
   * on their next turn). Default 16; 0 never.
   */
  recycleAfterClosed?: number;
  /**
   * At most this many `codex app-server` processes. codex brings up the MCP
   * servers of threads started at the same time one after another inside a
   * process; with more than 1, sessions started at once are spread over more
   * processes: a new one is spawned only while every running one is busy
   * starting a thread, and one left without sessions is stopped (never the
   * last). Sessions started one at a time share one process. Each extra
   * process costs about 150 MB (docs/performance.md). Default 1.
   */
  maxAppServers?: number;
  /**
   * In-process tools announced to every thread as codex dynamic tools (an
   * experimental codex API: experimentalApi is turned on) and run in this
   * process, no subprocess. See `dynamicToolProvider` in `codex-bridge/tools`.
   * When given, the MCP tool server is left out unless `toolServer` says otherwise.
   */
  dynamicTools?: DynamicToolProvider;
}

/** Refuses a bad option by name, with the value given. */
export function validateBridgeOptions(options: CodexBridgeOptions): void {
  if (!((options.interruptGraceMs ?? 10_000) > 0)) {
    throw new BridgeError(
      "INVALID_OPTION",
      `interruptGraceMs must be > 0, got ${String(options.interruptGraceMs)}`,
    );
  }
  if (
    options.maxOutputChars !== undefined &&
    !(Number.isInteger(options.maxOutputChars) && options.maxOutputChars >= 200)
  ) {
    throw new BridgeError(
      "INVALID_OPTION",
      `maxOutputChars must be a whole number of characters >= 200, got ${String(options.maxOutputChars)}`,
    );
  }
  if (options.journal) validateJournalOptions(options.journal);
  for (const key of ["idleTimeoutMs", "recycleAfterClosed", "requestTimeoutMs"] as const) {
    const v = options[key];
    if (v !== undefined && !(typeof v === "number" && Number.isFinite(v) && v >= 0)) {
      throw new BridgeError("INVALID_OPTION", `${key} must be a number >= 0, got ${String(v)}`);
    }
  }
  const pool = options.maxAppServers;
  if (pool !== undefined && !(Number.isInteger(pool) && pool >= 1)) {
    throw new BridgeError(
      "INVALID_OPTION",
      `maxAppServers must be a whole number of processes >= 1, got ${String(pool)}`,
    );
  }
  const ready = options.toolServer ? options.toolServer.readyTimeoutMs : undefined;
  if (ready !== undefined && !(typeof ready === "number" && Number.isFinite(ready) && ready >= 0)) {
    throw new BridgeError(
      "INVALID_OPTION",
      `toolServer.readyTimeoutMs must be a number of ms >= 0, got ${String(ready)}`,
    );
  }
}
