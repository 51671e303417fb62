/**
 * How a turn's outcome is described: watchdog and interrupt errors, codex's
 * own turn errors (login problems become AUTH_REQUIRED with what to do), any
 * thrown error as a TurnError, and token usage added up over a turn.
 */
import { BridgeError } from "../errors.js";
import type { TokenUsage, TurnError } from "./events.js";
import type { WatchdogExpiry } from "./watchdog.js";

const AUTH_PATTERN =
  /invalid_grant|token (?:has )?expired|refresh token|\b401\b|unauthori[sz]ed|not authenticated|not logged in|login required/i;

export function watchdogError(kind: WatchdogExpiry, limitMs: number): TurnError {
  return kind === "deadline"
    ? {
        code: "TURN_TIMEOUT",
        message: `the turn ran longer than its ${limitMs} ms limit (approval waits not counted); it was interrupted`,
      }
    : {
        code: "TURN_STALLED",
        message: `nothing happened for ${limitMs} ms after a tool finished; the turn was interrupted`,
      };
}

export function unconfirmedInterrupt(graceMs: number): TurnError {
  return {
    code: "INTERRUPT_UNCONFIRMED",
    message: `codex did not confirm the interrupt within ${graceMs} ms; its process was retired`,
  };
}

export function addUsage(total: TokenUsage | null, last: Partial<TokenUsage>): TokenUsage {
  const t = total ?? {
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: 0,
    reasoningOutputTokens: 0,
    totalTokens: 0,
  };
  return {
    inputTokens: t.inputTokens + (last.inputTokens ?? 0),
    cachedInputTokens: t.cachedInputTokens + (last.cachedInputTokens ?? 0),
    outputTokens: t.outputTokens + (last.outputTokens ?? 0),
    reasoningOutputTokens: t.reasoningOutputTokens + (last.reasoningOutputTokens ?? 0),
    totalTokens: t.totalTokens + (last.totalTokens ?? 0),
  };
}

/** codex's TurnError as ours; login problems become AUTH_REQUIRED with what to do. */
export function turnErrorOf(error: unknown): TurnError {
  const e = (error ?? {}) as { message?: unknown; codexErrorInfo?: unknown; additionalDetails?: unknown };
  const message = typeof e.message === "string" ? e.message : "the turn failed";
  const details = typeof e.additionalDetails === "string" ? e.additionalDetails : "";
  if (e.codexErrorInfo === "unauthorized" || AUTH_PATTERN.test(`${message} ${details}`)) {
    return {
      code: "AUTH_REQUIRED",
      message: `codex is not logged in or its login expired: run \`npx codex login\` (codex said: ${message})`,
      codexErrorInfo: e.codexErrorInfo ?? null,
    };
  }
  return {
    code: "TURN_FAILED",
    message,
    codexErrorInfo: e.codexErrorInfo ?? null,
    ...(details ? { details: { additionalDetails: details } } : {}),
  };
}

/** Any error as a TurnError, keeping a BridgeError's code. */
export function errorOf(err: unknown): TurnError {
  if (err instanceof BridgeError) return { code: err.code, message: err.message, details: err.details };
  return { code: "TURN_FAILED", message: err instanceof Error ? err.message : String(err) };
}
