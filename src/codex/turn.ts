/**
 * One turn, from `turn/start` to its end, as an explicit state machine:
 * `starting` (turn/start sent, notifications buffered) → `running` → `ended`.
 * Every input — a notification, codex's answer to turn/start, a watchdog
 * expiry, a store failure, the connection closing — goes through one
 * dispatcher, so there is one place that decides what each means in each
 * phase. A turn always ends — completed, failed or interrupted — whether
 * codex finishes it, a watchdog gives up on it, a store write fails, or the
 * process dies under it; its result never waits on the store.
 */
import { BridgeError } from "../errors.js";
import { text } from "../util/stableJson.js";
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
import { routeOf } from "./notificationRoutes.js";
import { addUsage, errorOf, turnErrorOf, unconfirmedInterrupt, watchdogError } from "./turnOutcome.js";
import { fileChanges, type Item, type ProjectorOptions, type ProjectorState, project } from "./projector.js";
import type { ClientParams } from "./protocol/index.js";
import type { StoreWrites } from "./storeWrites.js";
import type { ProjectedMessage, TranscriptMessage } from "./transcript.js";
import { DEFAULT_START_TIMEOUT_MS, TurnWatchdog, type WatchdogOptions } from "./watchdog.js";

/** Distributes the emitted events: to the caller's stream, the journal, subscribers. */
export type EmitEvent = (event: SessionEvent) => void;

export interface TurnContext {
  sessionId: string;
  threadId: string;
  client: CodexClient;
  /** The store writes of this turn (failures become the turn's STORE_FAILED error). */
  writes: StoreWrites;
  /** Index of the turn row in the store. */
  turnIdx: number | null;
  projector: { state: ProjectorState; options: ProjectorOptions };
  /** Changesets of fileChange items, for approval prompts. */
  fileChanges: Map<string, FileChangeSummary[]>;
  watchdog: WatchdogOptions;
  /** How long to wait for codex to confirm an interrupt before retiring the process. */
  interruptGraceMs: number;
  emit: EmitEvent;
  /** Every projected message of the session, for hosts without a store. */
  onMessage: (m: ProjectedMessage) => void;
  /** codex no longer needs the answer to its request `requestId` (`serverRequest/resolved`). */
  onRequestResolved: (requestId: string | number) => void;
  /** Kills the process when it does not answer; the next turn starts a new one. */
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
  /** Approval waits start or end (the watchdogs do not count them). */
  setWaitingOnApproval(waiting: boolean): void;
  /** A store write of the turn failed: codex is interrupted and the turn fails with the reason. */
  storeFailed(error: TurnError): void;
  /** The host is closing the bridge: the process is about to go, and the turn ends `interrupted` with `reason`. */
  cut(reason: string): void;
}

type Phase = "starting" | "running" | "ended";

/** Everything that can happen to a turn. */
type TurnInput =
  | { kind: "notification"; notification: CodexNotification }
  | { kind: "started"; turnId: string }
  | { kind: "startFailed"; error: TurnError; retire: boolean }
  | { kind: "giveUp"; error: TurnError }
  | { kind: "closed"; error: TurnError }
  | { kind: "retired" };

const TOOL_ITEMS = new Set(["commandExecution", "fileChange", "mcpToolCall", "dynamicToolCall"]);
const TURN_ABORTED = "<turn_aborted>";
export function startTurn(ctx: TurnContext, params: ClientParams<"turn/start">): RunningTurn {
  const turn = new Turn(ctx);
  turn.begin(params);
  return turn;
}

class Turn implements RunningTurn {
  readonly result: Promise<TurnResult>;
  readonly started: Promise<string | null>;
  #phase: Phase = "starting";
  #turnId: string | null = null;
  /** Why the bridge gave up on the turn (watchdog, store): overrides codex's own status. */
  #givenUp: TurnError | undefined;
  #interrupting: Promise<void> | undefined;
  #retiring = false;
  /** Why the host closed the bridge under the turn: its process's end is then an interrupt, not a failure. */
  #cutReason: string | undefined;
  /** Inside a store batch (one transaction per notification); an end decided there waits for its commit. */
  #batching = false;
  #pendingEnd: { status: TurnStatus; error: TurnError | undefined } | undefined;
  readonly #buffered: CodexNotification[] = [];
  readonly #releases: Array<() => void> = [];
  readonly #items: Item[] = [];
  readonly #messages: TranscriptMessage[] = [];
  #finalText = "";
  #usage: TokenUsage | null = null;
  readonly #watchdog: TurnWatchdog;
  #finish!: (result: TurnResult) => void;
  #markStarted!: (id: string | null) => void;

  constructor(private readonly ctx: TurnContext) {
    this.result = new Promise((resolve) => (this.#finish = resolve));
    this.started = new Promise((resolve) => (this.#markStarted = resolve));
    this.#watchdog = new TurnWatchdog(ctx.watchdog, (kind, limitMs) =>
      this.#dispatch({ kind: "giveUp", error: watchdogError(kind, limitMs) }),
    );
  }

  turnId(): string | null {
    return this.#turnId;
  }

  setWaitingOnApproval(waiting: boolean): void {
    this.#watchdog.setPaused(waiting);
  }

  /** A store write failed: the turn stops (codex is interrupted) and fails with the reason. */
  storeFailed(error: TurnError): void {
    this.#dispatch({ kind: "giveUp", error });
  }

  cut(reason: string): void {
    if (this.#phase !== "ended") this.#cutReason ??= reason;
  }

  begin(params: ClientParams<"turn/start">): void {
    const { client, threadId } = this.ctx;
    this.#watchdog.start();
    this.#releases.push(
      client.onNotification((notification) => this.#dispatch({ kind: "notification", notification }), {
        threadId,
      }),
      client.process.connection.onClose((reason) =>
        this.#dispatch({
          kind: "closed",
          error: { code: reason.code, message: reason.message, details: reason.details },
        }),
      ),
    );
    const startTimeoutMs = this.ctx.watchdog.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    client.turnStart(params, { timeoutMs: startTimeoutMs }).then(
      (response) => this.#dispatch({ kind: "started", turnId: response.turn.id }),
      (err: unknown) => {
        const timedOut = err instanceof BridgeError && err.code === "REQUEST_TIMEOUT";
        this.#dispatch({
          kind: "startFailed",
          retire: timedOut,
          error: timedOut
            ? {
                code: "TURN_START_TIMEOUT",
                message: `codex did not answer turn/start within ${startTimeoutMs} ms (watchdog.startTimeoutMs); its process was retired`,
              }
            : errorOf(err),
        });
      },
    );
  }

  /** The one place where inputs change the turn. */
  #dispatch(input: TurnInput): void {
    if (this.#phase === "ended" || this.#pendingEnd) return;
    switch (input.kind) {
      case "notification":
        if (this.#phase === "starting") this.#buffered.push(input.notification);
        else this.#batched(() => this.#guarded(() => this.#notification(input.notification)));
        return;
      case "started": {
        this.#turnId = input.turnId;
        this.#phase = "running";
        this.#markStarted(input.turnId);
        const idx = this.ctx.turnIdx;
        this.#batched(() => {
          if (idx !== null)
            this.ctx.writes.run("recording the turn id", (s) =>
              s.setTurnId(this.ctx.sessionId, idx, input.turnId),
            );
          this.#emit({ type: "turn.started" });
          for (const n of this.#buffered.splice(0)) {
            if (this.#phase !== "running" || this.#pendingEnd) break;
            this.#guarded(() => this.#notification(n));
          }
        });
        return;
      }
      case "startFailed":
        this.#markStarted(null);
        this.#end("failed", input.error);
        if (input.retire) void this.ctx.retire(this.ctx.client, input.error.message);
        return;
      case "giveUp":
        if (this.#givenUp) return;
        this.#givenUp = input.error;
        this.#emit({ type: "warning", message: input.error.message });
        void this.interrupt();
        return;
      case "closed":
        if (this.#cutReason !== undefined)
          this.#end("interrupted", { code: "BRIDGE_CLOSED", message: this.#cutReason });
        else if (this.#retiring) this.#end("interrupted", unconfirmedInterrupt(this.ctx.interruptGraceMs));
        else this.#end("failed", input.error);
        return;
      case "retired":
        this.#end("interrupted", unconfirmedInterrupt(this.ctx.interruptGraceMs));
        return;
    }
  }

  /** A notification of the running turn. */
  #notification(n: CodexNotification): void {
    const p = (n.params ?? {}) as Record<string, unknown>;
    const ofTurn =
      typeof p.turnId === "string" ? p.turnId : n.method === "turn/completed" ? turnIdOf(p) : null;
    if (ofTurn !== null && ofTurn !== this.#turnId) return; // a previous turn's late notification
    const route = routeOf(n.method);
    if (route === "ignore") return;
    const raw: RawNotification = { method: n.method, params: n.params };
    if (route === "pass") {
      this.#watchdog.activity(false);
      this.#emit({ type: "notification", method: n.method, raw });
      return;
    }
    switch (n.method) {
      case "item/started": {
        const item = p.item as Item;
        this.#watchdog.activity(false);
        if (item?.type === "fileChange") {
          this.ctx.fileChanges.set(
            item.id,
            fileChanges(item).map(({ kind, path }) => ({ kind, path })),
          );
        }
        this.#project(raw);
        this.#emit({ type: "item.started", item, raw });
        return;
      }
      case "item/completed": {
        const item = p.item as Item;
        this.#watchdog.activity(TOOL_ITEMS.has(item?.type));
        this.#items.push(item);
        const added = this.#project(raw);
        this.#emit({ type: "item.completed", item, messages: added, raw });
        if (item?.type === "agentMessage" && typeof item.text === "string") {
          this.#finalText = item.text;
          if (item.text.includes(TURN_ABORTED)) this.#end("interrupted");
        }
        return;
      }
      case "item/agentMessage/delta":
        this.#watchdog.activity(false);
        this.#project(raw);
        this.#emit({ type: "text.delta", itemId: text(p.itemId), delta: text(p.delta), raw });
        return;
      case "item/reasoning/summaryTextDelta":
      case "item/reasoning/textDelta":
        this.#watchdog.activity(false);
        this.#emit({ type: "reasoning.delta", itemId: text(p.itemId), delta: text(p.delta), raw });
        return;
      case "item/commandExecution/outputDelta":
        this.#watchdog.activity(false);
        this.#emit({ type: "command.output", itemId: text(p.itemId), delta: text(p.delta), raw });
        return;
      case "thread/tokenUsage/updated": {
        const last = (p.tokenUsage as { last?: Partial<TokenUsage> } | undefined)?.last;
        if (last) {
          this.#usage = addUsage(this.#usage, last);
          this.#emit({ type: "usage", usage: this.#usage, raw });
        }
        return;
      }
      case "warning":
        this.#emit({ type: "warning", message: text(p.message), raw });
        return;
      case "error": {
        const error = (p.error ?? {}) as { message?: unknown; codexErrorInfo?: unknown };
        this.#emit({
          type: "error",
          message: text(error.message, "codex reported an error"),
          willRetry: p.willRetry === true,
          codexErrorInfo: error.codexErrorInfo ?? null,
          raw,
        });
        return;
      }
      case "serverRequest/resolved": {
        const id = p.requestId;
        if (typeof id === "string" || typeof id === "number") this.ctx.onRequestResolved(id);
        return;
      }
      case "turn/started":
        return; // turn.started is emitted once turn/start answers
      case "turn/completed": {
        this.#project(raw);
        const turn = (p.turn ?? {}) as { status?: unknown; error?: unknown };
        const status: TurnStatus =
          turn.status === "completed"
            ? "completed"
            : turn.status === "interrupted"
              ? "interrupted"
              : "failed";
        this.#end(status, status === "failed" ? turnErrorOf(turn.error) : undefined);
        return;
      }
      default:
        this.#emit({ type: "notification", method: n.method, raw });
    }
  }

  /** Projects a notification into transcript messages and stores the new ones. */
  #project(n: RawNotification): TranscriptMessage[] {
    const { ctx } = this;
    const out = project(ctx.projector.state, n, ctx.projector.options);
    ctx.projector.state = out.state;
    const added: TranscriptMessage[] = [];
    for (const m of out.messages) {
      const stored = ctx.writes.run(
        "storing a transcript message",
        (s) =>
          s.addMessage(ctx.sessionId, {
            key: m.key,
            turnId: m.turnId,
            itemId: m.itemId,
            itemType: m.itemType,
            role: m.message.role,
            message: m.message,
          }),
        { final: true },
      );
      if (stored === false) continue; // already stored: a replayed item
      ctx.onMessage(m);
      this.#messages.push(m.message);
      added.push(m.message);
    }
    return added;
  }

  #emit(event: SessionEventBody & { raw?: RawNotification }): void {
    this.ctx.emit({
      sessionId: this.ctx.sessionId,
      threadId: this.ctx.threadId,
      turnId: this.#turnId,
      ...event,
    });
  }

  /**
   * Runs `fn` with its store writes in one transaction. A turn end decided
   * inside waits for the commit, so a result handed out is stored (or says
   * why it is not).
   */
  #batched(fn: () => void): void {
    this.#batching = true;
    try {
      this.ctx.writes.batch(fn);
    } finally {
      this.#batching = false;
    }
    const end = this.#pendingEnd;
    if (end) {
      this.#pendingEnd = undefined;
      this.#end(end.status, end.error);
    }
  }

  /** Runs a handler; anything it throws fails the turn instead of escaping into codex's event loop. */
  #guarded(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#dispatch({ kind: "giveUp", error: { ...errorOf(err), code: "TURN_FAILED" } });
    }
  }

  #end(status: TurnStatus, error?: TurnError): void {
    if (this.#phase === "ended") return;
    if (this.#batching) {
      this.#pendingEnd ??= { status, error };
      return;
    }
    this.#phase = "ended";
    this.#markStarted(this.#turnId);
    this.#watchdog.stop();
    for (const release of this.#releases.splice(0)) release();
    const { ctx } = this;
    const idx = ctx.turnIdx;
    const store = (finalStatus: TurnStatus, finalError: TurnError | undefined) => {
      if (idx === null) return;
      ctx.writes.run(
        "finishing the turn",
        (s) =>
          s.finishTurn(ctx.sessionId, idx, {
            status: finalStatus,
            turnId: this.#turnId,
            finalText: this.#finalText,
            error: finalError,
            usage: this.#usage,
          }),
        { final: true },
      );
    };
    // One transaction: the items left open (process died, watchdog gave up) closed, not dropped, and the turn's row.
    let givenUp: TurnError | undefined;
    let finalStatus: TurnStatus = status;
    let finalError = error;
    ctx.writes.batch(() => {
      try {
        this.#project({
          method: "turn/completed",
          params: { threadId: ctx.threadId, turn: { id: this.#turnId } },
        });
      } catch {
        // A projection failure must not keep the turn from ending; the items stay as they were.
      }
      givenUp = this.#givenUp ?? ctx.writes.failure;
      finalStatus = givenUp ? "failed" : status;
      finalError = givenUp ?? error;
      store(finalStatus, finalError);
    });
    if (!finalError && ctx.writes.failure) {
      // The last write failed: the turn is done in codex, but the host must know it is not stored.
      finalStatus = "failed";
      finalError = ctx.writes.failure;
    }
    const result: TurnResult = {
      status: finalStatus,
      finalText: this.#finalText,
      messages: this.#messages,
      items: this.#items,
      usage: this.#usage,
      ...(finalError ? { error: finalError } : {}),
      sessionId: ctx.sessionId,
      threadId: ctx.threadId,
      turnId: this.#turnId,
    };
    this.#emit({ type: "turn.completed", result });
    this.#finish(result);
  }

  interrupt(): Promise<void> {
    if (this.#phase === "ended") return Promise.resolve();
    this.#interrupting ??= this.#interrupt();
    return this.#interrupting;
  }

  async #interrupt(): Promise<void> {
    const { ctx } = this;
    const deadline = Date.now() + ctx.interruptGraceMs;
    const remaining = () => Math.max(1, deadline - Date.now());
    const ended = this.result.then(() => true);
    // Asked before turn/start answered: wait (bounded) for the turn id, or the turn's end.
    const id =
      this.#turnId ??
      (await Promise.race([this.started, ended.then(() => null), sleep(remaining()).then(() => null)]));
    // codex answers "no active turn" until the turn has really started: try again until it takes.
    while (id && this.#phase !== "ended" && Date.now() < deadline) {
      const sent = await ctx.client
        .turnInterrupt({ threadId: ctx.threadId, turnId: id }, { timeoutMs: remaining() })
        .then(
          () => true,
          () => false,
        );
      if (sent) break;
      await Promise.race([ended, sleep(50)]);
    }
    const confirmed = await Promise.race([ended, sleep(Math.max(0, deadline - Date.now()))]);
    if (!confirmed && this.#phase !== "ended") {
      this.#retiring = true;
      await ctx.retire(ctx.client, "codex did not confirm an interrupt");
      this.#dispatch({ kind: "retired" });
    }
  }
}

function sleep(ms: number): Promise<false> {
  return new Promise((resolve) => setTimeout(() => resolve(false), ms).unref());
}

function turnIdOf(p: Record<string, unknown>): string | null {
  const turn = p.turn as { id?: unknown } | undefined;
  return typeof turn?.id === "string" ? turn.id : null;
}
