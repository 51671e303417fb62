/**
 * The normalized event stream of a session: a small union a host can render
 * without knowing codex's notification zoo. Every event keeps the codex
 * notification it came from in `raw` (when it came from one).
 */
import type { BridgeErrorCode } from "../errors.js";
import type { ApprovalDecision, ApprovalRequest } from "./approvalRequests.js";
import type { DecidedBy } from "./approvals.js";
import type { Item } from "./projector.js";
import type { TranscriptMessage } from "./transcript.js";

export interface TokenUsage {
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningOutputTokens: number;
  totalTokens: number;
}

/**
 * Why a turn did not complete. `TURN_FAILED`: codex or the model failed it;
 * `TURN_TIMEOUT` / `TURN_STALLED`: a watchdog gave up on it;
 * `TURN_START_TIMEOUT`: codex never answered `turn/start`;
 * `INTERRUPT_UNCONFIRMED`: codex did not confirm an interrupt and was
 * retired; `BRIDGE_EXITED`: the process that ran it died (found on the next
 * open of the store); `BRIDGE_CLOSED` (status `interrupted`): the host
 * closed the bridge while it ran; the rest are {@link BridgeErrorCode}s (a dead process,
 * a closed connection, a store write that failed, a missing login …).
 */
export type TurnErrorCode =
  | "TURN_FAILED"
  | "TURN_TIMEOUT"
  | "TURN_STALLED"
  | "TURN_START_TIMEOUT"
  | "INTERRUPT_UNCONFIRMED"
  | "BRIDGE_EXITED"
  | "BRIDGE_CLOSED"
  | BridgeErrorCode;

export interface TurnError {
  code: TurnErrorCode;
  message: string;
  /** codex's own classification when it gave one (e.g. "internalServerError"). */
  codexErrorInfo?: unknown;
  details?: Record<string, unknown>;
}

export type TurnStatus = "completed" | "failed" | "interrupted";

export interface TurnResult {
  status: TurnStatus;
  /** The last assistant message of the turn ("" when there was none). */
  finalText: string;
  /** This turn's transcript messages, in order. */
  messages: TranscriptMessage[];
  /** The completed codex items of this turn, as codex sent them. */
  items: Item[];
  /** Tokens used by this turn's model calls, when codex reported them. */
  usage: TokenUsage | null;
  error?: TurnError;
  sessionId: string;
  threadId: string;
  turnId: string | null;
}

export interface RawNotification {
  method: string;
  params: unknown;
}

interface Base {
  sessionId: string;
  threadId: string;
  turnId: string | null;
  raw?: RawNotification;
}

/** What an event says, without the session, thread and turn it belongs to. */
export type SessionEventBody =
  | { type: "turn.started" }
  | { type: "turn.completed"; result: TurnResult }
  | { type: "item.started"; item: Item }
  | { type: "item.completed"; item: Item; messages: TranscriptMessage[] }
  | { type: "text.delta"; itemId: string; delta: string }
  | { type: "reasoning.delta"; itemId: string; delta: string }
  | { type: "command.output"; itemId: string; delta: string }
  | { type: "approval.requested"; approval: ApprovalRequest }
  | { type: "approval.resolved"; approval: ApprovalRequest; decision: ApprovalDecision; decidedBy: DecidedBy }
  | { type: "usage"; usage: TokenUsage }
  | { type: "warning"; message: string }
  | { type: "error"; message: string; willRetry: boolean; codexErrorInfo: unknown }
  /** Any other notification of the thread (plan updates, diffs, status changes), unchanged. */
  | { type: "notification"; method: string };

export type SessionEvent = Base & SessionEventBody;

export type SessionEventType = SessionEvent["type"];
