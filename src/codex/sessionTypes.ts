/**
 * The shapes around a {@link Session}: how it starts and answers codex
 * (options), what a turn takes and gives, and what it needs from the bridge
 * that hosts it.
 */
import type { ApprovalOptions } from "./approvals.js";
import type { CodexClient } from "./client.js";
import type { DynamicToolProvider } from "./dynamicTools.js";
import type { SessionEvent, TurnResult } from "./events.js";
import type { ProjectorOptions } from "./projector.js";
import type { JsonValue } from "./protocol/generated/serde_json/JsonValue.js";
import type { v2 } from "./protocol/index.js";
import type { Session } from "./session.js";
import type { BridgeStore } from "../store/store.js";
import type { WatchdogOptions } from "./watchdog.js";

/** How a session starts its thread and answers codex. Everything but `cwd` is optional. */
export interface SessionOptions {
  /** Working directory of the thread. Default `process.cwd()`. */
  cwd?: string;
  /** Model; default: the user's codex config decides. */
  model?: string;
  /** When codex asks for approval (`untrusted`, `on-request`, `never`); default: codex config. */
  approvalPolicy?: v2.AskForApproval;
  /** Sandbox mode; default: codex config. */
  sandbox?: v2.SandboxMode;
  developerInstructions?: string;
  baseInstructions?: string;
  /** Per-thread config overrides (`thread/start.config`). */
  config?: Record<string, JsonValue>;
  /** How the bridge answers codex's approval requests. Default: the bridge's. */
  approvals?: ApprovalOptions;
  /** Turn watchdogs. Default: the bridge's. */
  watchdog?: WatchdogOptions;
  /** The kanban task this session works on: given to the bridge's tool server as its identity. */
  taskId?: string;
  /**
   * Where the kanban board lives (a path, `sqlite:PATH` or a postgres URL),
   * given to the tool server. Default `CODEX_BRIDGE_BOARD`, else the default
   * board (`$CODEX_BRIDGE_HOME/board.db`).
   */
  board?: string;
  /** The lease a dispatcher holds on `taskId`: the worker's handoff tools act as its holder. */
  taskLease?: { holder: string; leaseMs: number };
  /** Answers codex's dynamic tool calls (`item/tool/call`); none by default (such calls then fail). */
  onToolCall?: (
    call: v2.DynamicToolCallParams,
  ) => Promise<v2.DynamicToolCallResponse> | v2.DynamicToolCallResponse;
}

export type SessionInput = string | v2.UserInput[];

export interface RunOptions {
  /** Aborting interrupts the turn. */
  signal?: AbortSignal;
}

export interface StreamedTurn {
  /** Live events of the turn; ends after `turn.completed`. Leaving the loop early stops buffering. */
  events: AsyncIterableIterator<SessionEvent>;
  /** The turn's result; never rejects for a failed turn (see `status`). */
  result: Promise<TurnResult>;
}

/** What a session needs from the bridge that owns it. */
export interface SessionHost {
  /** The running client of the session's app-server, started or restarted on demand. */
  client(session: Session): Promise<{ client: CodexClient; generation: number }>;
  /** The session's live client without starting one (null when none runs). */
  currentClient(session: Session): Promise<{ client: CodexClient; generation: number } | null>;
  /** A thread start or resume begins (the session is placed on an app-server); call the result when done. */
  threadStarting(session: Session): () => void;
  readonly store: BridgeStore | null;
  retire(client: CodexClient, reason: string): Promise<void>;
  bindThread(threadId: string, session: Session): void;
  readonly interruptGraceMs: number;
  /** In-process tools announced to every thread, when the host gave some. */
  readonly dynamicTools: DynamicToolProvider | undefined;
  /** The store path tools may open (null without a file-backed store). */
  readonly storePathForTools: string | null;
  readonly projector: ProjectorOptions;
  /** Per-thread config that gives the thread the bridge's tool server with this session's identity. */
  toolServerConfig(session: Session, threadId: string | null): Promise<Record<string, JsonValue>>;
  /** The name of the bridge's tool server when threads get it, else null. */
  readonly toolServerName: string | null;
  /** How long a new thread waits for its tool server before the first turn. */
  readonly toolServerReadyTimeoutMs: number;
  /** The session was closed or unloaded: forget it. */
  forget(session: Session): void;
  /** An unloaded session is used again. */
  adopt(session: Session): void;
  /** MCP tools whose calls need no approval (the bridge's read-only tools). */
  /** `worker`: the session works on a kanban task (its handoff tools are trusted too). */
  trustedTool(
    server: string,
    tool: string | null,
    annotations: Record<string, unknown> | null,
    worker?: boolean,
  ): boolean;
}
