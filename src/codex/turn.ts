/**
 * One turn, from `turn/start` to its end: notifications of the thread are
 * projected into transcript messages and stored as they arrive, mapped to
 * session events, and watched. A turn always ends — completed, failed or
 * interrupted — whether codex finishes it, a watchdog gives up on it, or
 * the process dies under it.
 */
import { BridgeError } from "../errors.js";
import { text } from "../util/stableJson.js";
import type { BridgeStore } from "../store/store.js";
import type { FileChangeSummary } from "./approvalRequests.js";
import type { CodexClient, CodexNotification } from "./client.js";
import type {
  RawNotification,
  SessionEvent,
  SessionEventBody,
  TokenUsage,
  TurnError,
  TurnResult,
  TurnStatus,
} from "./events.js";
import { fileChanges, type Item, type ProjectorOptions, type ProjectorState, project } from "./projector.js";
import type { ClientParams } from "./protocol/index.js";
import type { ProjectedMessage, TranscriptMessage } from "./transcript.js";
import { TurnWatchdog, type WatchdogExpiry, type WatchdogOptions } from "./watchdog.js";

/** Distributes the emitted events: to the caller's stream, the journal, subscribers. */
export type EmitEvent = (event: SessionEvent) => void;

export interface TurnContext {
  sessionId: string;
  threadId: string;
  client: CodexClient;
  store: BridgeStore | null;
  /** Index of the turn row in the store. */
  turnIdx: number | null;
  projector: { state: ProjectorState; options: ProjectorOptions };
  /** Changesets of fileChange items, for approval prompts. */
  fileChanges: Map<string, FileChangeSummary[]>;
  /** Approval requests of this session waiting on a person. */
  pendingApprovals: () => number;
  watchdog: WatchdogOptions;
  /** How long to wait for codex to confirm an interrupt before retiring the process. */
  interruptGraceMs: number;
  emit: EmitEvent;
  /** Every projected message of the session, for hosts without a store. */
  onMessage: (m: ProjectedMessage) => void;
  /** Kills the process when it does not answer an interrupt. */
  retire: (client: CodexClient, reason: string) => Promise<void>;
}

export interface RunningTurn {
  readonly result: Promise<TurnResult>;
  /** The codex turn id once `turn/start` answered. */
  turnId(): string | null;
  /** Resolves with the codex turn id once `turn/start` answers (null if it failed). */
  readonly started: Promise<string | null>;
  /** Asks codex to stop the turn; retires the process if codex does not confirm in time. */
  interrupt(): Promise<void>;
}

const TOOL_ITEMS = new Set(["commandExecution", "fileChange", "mcpToolCall", "dynamicToolCall"]);
const TURN_ABORTED = "<turn_aborted>";
const AUTH_PATTERN =
  /invalid_grant|token (?:has )?expired|refresh token|\b401\b|unauthori[sz]ed|not authenticated|not logged in|login required/i;

export function startTurn(ctx: TurnContext, params: ClientParams<"turn/start">): RunningTurn {
  const { client, threadId, sessionId } = ctx;
  let turnId: string | null = null;
  let done = false;
  let watchdogError: TurnError | undefined;
  let interruptRequested = false;
  let retiring = false;
  const buffered: CodexNotification[] = [];
  const subscriptions: Array<() => void> = [];
  const items: Item[] = [];
  const messages: TranscriptMessage[] = [];
  let finalText = "";
  let usage: TokenUsage | null = null;
  let finish!: (result: TurnResult) => void;
  const result = new Promise<TurnResult>((resolve) => {
    finish = resolve;
  });

  const base = () => ({ sessionId, threadId, turnId });
  const emit = (event: SessionEventBody & { raw?: RawNotification }) => ctx.emit({ ...base(), ...event });

  const projectAndStore = (n: RawNotification): TranscriptMessage[] => {
    const out = project(ctx.projector.state, n, ctx.projector.options);
    ctx.projector.state = out.state;
    const added: TranscriptMessage[] = [];
    for (const m of out.messages) {
      const stored = ctx.store
        ? ctx.store.addMessage(sessionId, {
            key: m.key,
            turnId: m.turnId,
            itemId: m.itemId,
            itemType: m.itemType,
            role: m.message.role,
            message: m.message,
          })
        : true;
      if (!stored) continue; // already stored: a replayed item
      ctx.onMessage(m);
      messages.push(m.message);
      added.push(m.message);
    }
    return added;
  };

  const end = (status: TurnStatus, error?: TurnError) => {
    if (done) return;
    done = true;
    watchdog.stop();
    for (const release of subscriptions.splice(0)) release();
    // Items left open (process died, watchdog gave up) are closed, not dropped.
    projectAndStore({ method: "turn/completed", params: { threadId, turn: { id: turnId } } });
    const finalError = watchdogError ?? error;
    const finalStatus = watchdogError ? "failed" : status;
    const turnResult: TurnResult = {
      status: finalStatus,
      finalText,
      messages,
      items,
      usage,
      ...(finalError ? { error: finalError } : {}),
      sessionId,
      threadId,
      turnId,
    };
    if (ctx.store && ctx.turnIdx !== null) {
      ctx.store.finishTurn(sessionId, ctx.turnIdx, {
        status: finalStatus,
        turnId,
        finalText,
        error: finalError,
        usage,
      });
    }
    emit({ type: "turn.completed", result: turnResult });
    finish(turnResult);
  };

  const handle = (n: CodexNotification) => {
    if (done) return;
    const p = (n.params ?? {}) as Record<string, unknown>;
    const ofTurn =
      typeof p.turnId === "string" ? p.turnId : n.method === "turn/completed" ? turnIdOf(p) : null;
    if (ofTurn !== null && ofTurn !== turnId) return; // a previous turn's late notification
    const raw: RawNotification = { method: n.method, params: n.params };
    switch (n.method) {
      case "item/started": {
        const item = p.item as Item;
        watchdog.activity(false);
        if (item?.type === "fileChange")
          ctx.fileChanges.set(
            item.id,
            fileChanges(item).map(({ kind, path }) => ({ kind, path })),
          );
        projectAndStore(raw);
        emit({ type: "item.started", item, raw });
        return;
      }
      case "item/completed": {
        const item = p.item as Item;
        watchdog.activity(TOOL_ITEMS.has(item?.type));
        items.push(item);
        const added = projectAndStore(raw);
        emit({ type: "item.completed", item, messages: added, raw });
        if (item?.type === "agentMessage" && typeof item.text === "string") {
          finalText = item.text;
          if (item.text.includes(TURN_ABORTED)) end("interrupted");
        }
        return;
      }
      case "item/agentMessage/delta":
        watchdog.activity(false);
        emit({ type: "text.delta", itemId: text(p.itemId), delta: text(p.delta), raw });
        return;
      case "item/reasoning/summaryTextDelta":
      case "item/reasoning/textDelta":
        watchdog.activity(false);
        emit({ type: "reasoning.delta", itemId: text(p.itemId), delta: text(p.delta), raw });
        return;
      case "item/commandExecution/outputDelta":
        watchdog.activity(false);
        emit({ type: "command.output", itemId: text(p.itemId), delta: text(p.delta), raw });
        return;
      case "thread/tokenUsage/updated": {
        const last = (p.tokenUsage as { last?: Partial<TokenUsage> } | undefined)?.last;
        if (last) {
          usage = addUsage(usage, last);
          emit({ type: "usage", usage, raw });
        }
        return;
      }
      case "warning":
        emit({ type: "warning", message: text(p.message), raw });
        return;
      case "error": {
        const error = (p.error ?? {}) as { message?: unknown; codexErrorInfo?: unknown };
        emit({
          type: "error",
          message: text(error.message, "codex reported an error"),
          willRetry: p.willRetry === true,
          codexErrorInfo: error.codexErrorInfo ?? null,
          raw,
        });
        return;
      }
      case "turn/started":
        return; // turn.started is emitted once turn/start answers
      case "turn/completed": {
        projectAndStore(raw);
        const turn = (p.turn ?? {}) as { status?: unknown; error?: unknown };
        const status: TurnStatus =
          turn.status === "completed"
            ? "completed"
            : turn.status === "interrupted"
              ? "interrupted"
              : "failed";
        end(status, status === "failed" ? turnErrorOf(turn.error) : undefined);
        return;
      }
      default:
        emit({ type: "notification", method: n.method, raw });
    }
  };

  const onExpire = (kind: WatchdogExpiry, limitMs: number) => {
    watchdogError =
      kind === "deadline"
        ? {
            code: "TURN_TIMEOUT",
            message: `the turn ran longer than ${limitMs} ms (turnTimeoutMs); it was interrupted`,
          }
        : {
            code: "TURN_STALLED",
            message: `no activity for ${limitMs} ms after a tool finished (quietTimeoutMs); the turn was interrupted`,
          };
    emit({ type: "warning", message: watchdogError.message });
    void interrupt();
  };
  const watchdog = new TurnWatchdog(ctx.watchdog, () => ctx.pendingApprovals() > 0, onExpire);
  watchdog.start();

  subscriptions.push(
    client.onNotification(
      (n) => {
        if (turnId === null) buffered.push(n);
        else handle(n);
      },
      { threadId },
    ),
  );
  subscriptions.push(
    client.process.connection.onClose((reason) =>
      retiring
        ? end("interrupted", unconfirmedInterrupt(ctx.interruptGraceMs))
        : end("failed", { code: reason.code, message: reason.message, details: reason.details }),
    ),
  );

  const interrupt = async (): Promise<void> => {
    if (done || interruptRequested) return;
    interruptRequested = true;
    const deadline = Date.now() + ctx.interruptGraceMs;
    const finished = result.then(() => true);
    // Asked before turn/start answered: wait for the turn id (or the turn's end) first.
    const id = turnId ?? (await Promise.race([started, result.then(() => null)]));
    // codex answers "no active turn" until the turn has really started: try again until it takes.
    while (id && !done && Date.now() < deadline) {
      const sent = await client
        .turnInterrupt({ threadId, turnId: id }, { timeoutMs: Math.max(1, deadline - Date.now()) })
        .then(
          () => true,
          () => false,
        );
      if (sent) break;
      await Promise.race([finished, sleep(50)]);
    }
    const confirmed = await Promise.race([
      finished,
      sleep(Math.max(0, deadline - Date.now())).then(() => false),
    ]);
    if (!confirmed && !done) {
      retiring = true;
      await ctx.retire(client, "codex did not confirm an interrupt");
      end("interrupted", unconfirmedInterrupt(ctx.interruptGraceMs));
    }
  };

  let markStarted!: (id: string | null) => void;
  const started = new Promise<string | null>((resolve) => {
    markStarted = resolve;
  });
  void client.turnStart(params).then(
    (response) => {
      markStarted(response.turn.id);
      if (done) return;
      turnId = response.turn.id;
      if (ctx.store && ctx.turnIdx !== null) ctx.store.setTurnId(sessionId, ctx.turnIdx, turnId);
      emit({ type: "turn.started" });
      for (const n of buffered.splice(0)) handle(n);
    },
    (err: unknown) => {
      markStarted(null);
      end("failed", errorOf(err));
    },
  );

  return { result, turnId: () => turnId, started, interrupt };
}

function sleep(ms: number): Promise<false> {
  return new Promise((resolve) => setTimeout(() => resolve(false), ms).unref());
}

function unconfirmedInterrupt(graceMs: number): TurnError {
  return {
    code: "INTERRUPT_UNCONFIRMED",
    message: `codex did not confirm the interrupt within ${graceMs} ms; its process was retired`,
  };
}

function turnIdOf(p: Record<string, unknown>): string | null {
  const turn = p.turn as { id?: unknown } | undefined;
  return typeof turn?.id === "string" ? turn.id : null;
}

function addUsage(total: TokenUsage | null, last: Partial<TokenUsage>): TokenUsage {
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
      message: `codex is not logged in or its login expired: run \`codex login\` (codex said: ${message})`,
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

function errorOf(err: unknown): TurnError {
  if (err instanceof BridgeError) return { code: err.code, message: err.message, details: err.details };
  return { code: "TURN_FAILED", message: err instanceof Error ? err.message : String(err) };
}
