/**
 * The seam between a host and whatever runs codex sessions. `LocalRuntime`
 * runs them in this process (a `CodexBridge`); `RemoteRuntime` is a client of
 * a gateway (`codex-bridge serve`) over WebSocket or stdio. One contract
 * suite runs against both. A control a runtime cannot perform throws
 * `BridgeError("UNSUPPORTED")` naming the control; never a silent no-op or an
 * empty answer that looks real.
 *
 * Everything here is plain JSON data so it crosses the wire unchanged, and
 * this module imports nothing of Node: the browser client uses it too.
 */
import type { ApprovalDecision, ApprovalRequest } from "../codex/approvalRequests.js";
import type { SessionEventBody, TurnResult } from "../codex/events.js";
import type { TranscriptMessage } from "../codex/transcript.js";
import type { CreateTaskInput, ListTasksOptions, Task, TaskEvent } from "../store/board/types.js";

/** What a runtime can do; a `false` control throws UNSUPPORTED when called. */
export interface RuntimeCapabilities {
  /** The runtime's kind and version (`local` / `remote`, codex-bridge's version, codex's version). */
  kind: "local" | "remote";
  version: string;
  codexVersion: string | null;
  cancel: boolean;
  steer: boolean;
  resume: boolean;
  approvals: boolean;
  /** Replay of a session's journal from a cursor. */
  replay: boolean;
  /** Kanban board operations (`board*` methods). */
  board: boolean;
}

export type SessionStatus = "idle" | "running" | "closed" | "interrupted" | "failed";

/** A session as listed: what a UI shows in a list. */
export interface SessionSummary {
  id: string;
  threadId: string | null;
  status: SessionStatus;
  cwd: string | null;
  model: string | null;
  title: string | null;
  /** The kanban task a worker session works on. */
  taskId: string | null;
  createdAt: number;
  lastActiveAt: number;
  /** The last journal sequence number of the session (0 when none). */
  lastSeq: number;
}

export interface SessionDetail extends SessionSummary {
  transcript: TranscriptMessage[];
  /** Approvals waiting for an answer now. */
  pendingApprovals: PendingApproval[];
}

export interface StartSessionParams {
  cwd?: string;
  model?: string;
  /** The approval policy while no client answers: `ask` (clients decide; fail closed on timeout), `accept`, `decline`. */
  approvalPolicy?: "ask" | "accept" | "decline";
  /**
   * When codex asks for approval (codex's own `approvalPolicy`: `untrusted` asks before any command
   * it does not trust, `on-request` when the model asks, `never`). Default: codex's config.
   */
  codexApprovalPolicy?: "untrusted" | "on-request" | "never";
  /** codex sandbox mode. */
  sandbox?: "read-only" | "workspace-write" | "danger-full-access";
  /** codex `-c key=value` overrides for the thread. */
  config?: Record<string, unknown>;
  title?: string;
}

export interface StartTurnParams {
  sessionId: string;
  /** The prompt. */
  input: string;
}

/** A started turn: its id, and the journal cursor before its first event. */
export interface StartedTurn {
  sessionId: string;
  turnId: string | null;
  /** Events of this turn have `seq > afterSeq`. */
  afterSeq: number;
}

export interface PendingApproval {
  /** Unique per request (stable across clients). */
  id: string;
  sessionId: string;
  request: ApprovalRequest;
  requestedAt: number;
}

/** One journalled event: what a client receives and replays. */
export interface RuntimeEvent {
  sessionId: string;
  /** Per-session journal sequence, strictly increasing, no gaps in a replay. */
  seq: number;
  at: number;
  turnId: string | null;
  event: SessionEventBody | { type: "approval.pending"; approval: PendingApproval };
}

export interface SubscribeParams {
  sessionId: string;
  /** Deliver events with `seq > after` (replayed from the journal), then live ones; default 0 = everything. */
  after?: number;
}

export interface Subscription {
  /** Ends the subscription; no event is delivered after it resolves. */
  close(): Promise<void>;
  /** Resolves when the subscription ends (closed, or the connection dropped: then with the error). */
  readonly closed: Promise<Error | null>;
}

export interface Runtime {
  capabilities(): Promise<RuntimeCapabilities>;
  startSession(params: StartSessionParams): Promise<SessionSummary>;
  /** Resume a stored session (after a restart); throws NOT_FOUND. */
  resumeSession(sessionId: string): Promise<SessionSummary>;
  listSessions(options?: { limit?: number }): Promise<SessionSummary[]>;
  readSession(sessionId: string): Promise<SessionDetail>;
  startTurn(params: StartTurnParams): Promise<StartedTurn>;
  /** Waits for a turn to end (by id, or the session's current/last one). */
  waitTurn(sessionId: string, turnId?: string | null): Promise<TurnResult>;
  cancelTurn(sessionId: string): Promise<void>;
  steerTurn(sessionId: string, input: string): Promise<void>;
  /** First answer wins; a later answer throws INVALID_STATE (already resolved). */
  respondApproval(approvalId: string, decision: ApprovalDecision): Promise<void>;
  /** Replay after the cursor, then live: every event exactly once, in order. */
  subscribe(params: SubscribeParams, onEvent: (event: RuntimeEvent) => void): Promise<Subscription>;
  closeSession(sessionId: string): Promise<void>;

  // Kanban board (capabilities.board); UNSUPPORTED when the runtime has no board.
  boardCreate(input: CreateTaskInput): Promise<Task>;
  boardList(options?: ListTasksOptions): Promise<Task[]>;
  boardGet(taskId: string): Promise<Task>;
  boardComment(taskId: string, text: string): Promise<Task>;
  boardBlock(taskId: string, reason: string): Promise<Task>;
  boardUnblock(taskId: string, note: string): Promise<Task>;
  boardCancel(taskId: string): Promise<Task>;
  /** Board events after a board-wide cursor, then live. */
  boardSubscribe(after: number, onEvent: (event: TaskEvent) => void): Promise<Subscription>;

  close(): Promise<void>;
}
