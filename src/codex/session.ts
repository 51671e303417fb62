/**
 * A session is one codex thread seen from the host: turns run one at a time,
 * each streamed as {@link SessionEvent}s and ended with a {@link TurnResult};
 * the transcript and journal are stored as events arrive. If the app-server
 * dies, the next turn respawns it and resumes the same thread.
 */
import { randomUUID } from "node:crypto";
import { BridgeError, JsonRpcError } from "../errors.js";
import type { BridgeStore } from "../store/store.js";
import { AsyncQueue } from "../util/asyncQueue.js";
import { type ApprovalMethod, type FileChangeSummary, parseApprovalRequest } from "./approvalRequests.js";
import { ApprovalBroker, auditRecord } from "./approvals.js";
import type { CodexClient } from "./client.js";
import type { SessionEvent, TurnError, TurnResult } from "./events.js";
import { initialProjectorState, type ProjectorOptions, type ProjectorState } from "./projector.js";
import type { v2 } from "./protocol/index.js";
import type { ProjectedMessage, TranscriptMessage } from "./transcript.js";
import { watchStartup } from "./mcpStartup.js";
import { StoreWrites } from "./storeWrites.js";
import { taskIdentity } from "./toolServer.js";
import { type RunningTurn, startTurn } from "./turn.js";
import { errorOf } from "./turnOutcome.js";
import type { RunOptions, SessionHost, SessionInput, SessionOptions, StreamedTurn } from "./sessionTypes.js";
import { validateWatchdogOptions } from "./watchdog.js";

/** How long journal deltas wait to be written together (each non-delta event writes them at once). */
const JOURNAL_FLUSH_MS = 5;

export type { RunOptions, SessionHost, SessionInput, SessionOptions, StreamedTurn } from "./sessionTypes.js";

export class Session {
  readonly id: string;
  readonly options: SessionOptions;
  #threadId: string | null;
  #generation = -1;
  #active: RunningTurn | undefined;
  #starting = false;
  #closed: Promise<void> | undefined;
  #unloaded = false;
  #lastActiveAt = Date.now();
  /** This object started the thread and codex has not yet taken a turn on it (so it has no history). */
  #freshThread = false;
  /** The last turn, when the store failed before its end was recorded (written at the next turn). */
  #unstored: { idx: number; result: Parameters<BridgeStore["finishTurn"]>[2] } | undefined;
  /** Aborts the approvals still waiting when the turn they belong to ends. */
  #approvalsOfTurn = new AbortController();
  /** Store writes outside a turn (the session's own rows). */
  readonly #writes: StoreWrites;
  #turnWrites: StoreWrites | undefined;
  /** Writes the queued journal deltas a few ms after the first of them (see #emit). */
  #flushTimer: NodeJS.Timeout | undefined;
  /** Resolves with the running turn once it exists (undefined if it never started). */
  #activeReady: Promise<RunningTurn | undefined> = Promise.resolve(undefined);
  #markActive: (turn: RunningTurn | undefined) => void = () => {};
  readonly #host: SessionHost;
  readonly #broker: ApprovalBroker;
  readonly #projector: { state: ProjectorState; options: ProjectorOptions };
  readonly #fileChanges = new Map<string, FileChangeSummary[]>();
  readonly #listeners = new Set<(e: SessionEvent) => void>();
  readonly #memory: ProjectedMessage[] = [];

  /** @internal Created by {@link CodexBridge.startSession} / `resumeSession`. */
  constructor(host: SessionHost, init: { id?: string; threadId?: string | null; options: SessionOptions }) {
    this.#host = host;
    this.id = init.id ?? randomUUID();
    this.#threadId = init.threadId ?? null;
    this.options = init.options;
    if (init.options.watchdog) validateWatchdogOptions(init.options.watchdog);
    this.#projector = { state: initialProjectorState(), options: host.projector };
    this.#writes = new StoreWrites(host.store);
    this.#broker = new ApprovalBroker(init.options.approvals ?? {}, {
      onWaiting: (waiting) => this.#active?.setWaitingOnApproval(waiting),
      trustedTool: (server, tool, annotations) =>
        host.trustedTool(server, tool, annotations, init.options.taskId !== undefined),
      onRequested: (approval) =>
        this.#emit({
          sessionId: this.id,
          threadId: this.#threadId ?? "",
          turnId: approval.turnId,
          type: "approval.requested",
          approval,
        }),
      onResolved: (approval, outcome, requestedAt) => {
        this.#currentWrites().run("recording an approval", (store) =>
          store.recordApproval(auditRecord(this.id, approval, outcome, requestedAt)),
        );
        this.#emit({
          sessionId: this.id,
          threadId: this.#threadId ?? "",
          turnId: approval.turnId,
          type: "approval.resolved",
          approval,
          decision: outcome.decision,
          decidedBy: outcome.decidedBy,
        });
      },
    });
  }

  /** The codex thread id, once the thread exists. */
  get threadId(): string | null {
    return this.#threadId;
  }

  /** When the last turn started or ended (ms since the epoch). */
  get lastActiveAt(): number {
    return this.#lastActiveAt;
  }

  /** True while a turn runs. */
  get running(): boolean {
    return this.#active !== undefined || this.#starting;
  }

  /** Runs one turn to its end. */
  async run(input: SessionInput, options: RunOptions = {}): Promise<TurnResult> {
    const { events, result } = this.runStreamed(input, options);
    await events.return?.();
    return result;
  }

  /** Runs one turn, streaming its events. Throws `INVALID_STATE` if a turn is already running. */
  runStreamed(input: SessionInput, options: RunOptions = {}): StreamedTurn {
    if (this.#closed)
      throw new BridgeError("INVALID_STATE", `session ${this.id} is closed: resume it to go on`);
    if (this.running) {
      throw new BridgeError(
        "INVALID_STATE",
        `session ${this.id} is already running a turn: steer() or interrupt() it`,
      );
    }
    const items = toUserInput(input);
    if (this.#unloaded) {
      this.#host.adopt(this);
      this.#unloaded = false;
    }
    this.#lastActiveAt = Date.now();
    this.#starting = true;
    this.#activeReady = new Promise((resolve) => {
      this.#markActive = resolve;
    });
    const queue = new AsyncQueue<SessionEvent>();
    const listener = (e: SessionEvent) => queue.push(e);
    this.#listeners.add(listener);
    const result = this.#runTurn(items, options).finally(() => {
      this.#listeners.delete(listener);
      queue.end();
    });
    return { events: queue, result };
  }

  /** Interrupts the running turn (no-op when idle). */
  async interrupt(): Promise<void> {
    // Asked while the turn is still being set up: interrupt it as soon as it exists.
    const active = this.#active ?? (this.#starting ? await this.#activeReady : undefined);
    await active?.interrupt();
  }

  /** @internal The bridge is closing under a running turn: it ends `interrupted` with `reason`. */
  cutTurn(reason: string): void {
    this.#active?.cut(reason);
  }

  /** Adds input to the running turn. Throws `INVALID_STATE` when no turn runs. */
  async steer(input: SessionInput): Promise<void> {
    const active = this.#active ?? (this.#starting ? await this.#activeReady : undefined);
    // A steer right after run() waits for codex to confirm the turn it steers.
    const turnId = active ? (active.turnId() ?? (await active.started)) : null;
    const threadId = this.#threadId;
    if (!active || !turnId || !threadId) {
      throw new BridgeError("INVALID_STATE", `session ${this.id} has no running turn to steer`);
    }
    const { client } = await this.#host.client(this);
    await client.turnSteer({ threadId, input: toUserInput(input), expectedTurnId: turnId });
  }

  /** Subscribes to every event of every turn (a UI attached to the session); returns an unsubscribe function. */
  subscribe(listener: (event: SessionEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The stored transcript (from the store, or this process's memory without one). */
  transcript(): TranscriptMessage[] {
    const store = this.#host.store;
    if (store) return store.listMessages<TranscriptMessage>(this.id).map((r) => r.message);
    return this.#memory.map((m) => m.message);
  }

  /** @internal Answers a server request addressed to this session's thread. */
  async decide(method: ApprovalMethod, params: unknown, signal: AbortSignal): Promise<unknown> {
    const request = parseApprovalRequest(method, params, (itemId) => this.#fileChanges.get(itemId));
    // Withdrawn when codex says it no longer needs the answer, or when the turn ends first.
    const withdrawn = AbortSignal.any([signal, this.#approvalsOfTurn.signal]);
    return (await this.#broker.decide(request, withdrawn)).response;
  }

  /** @internal Answers a dynamic tool call addressed to this session's thread. */
  async callTool(params: v2.DynamicToolCallParams): Promise<v2.DynamicToolCallResponse> {
    const provider = this.#host.dynamicTools;
    try {
      if (this.options.onToolCall) return await this.options.onToolCall(params);
      if (provider) {
        return await provider.call(params, {
          sessionId: this.id,
          threadId: params.threadId,
          taskId: this.options.taskId ?? null,
          storePath: this.#host.storePathForTools,
          ...taskIdentity(this.options),
        });
      }
      return failTool(`no handler for the dynamic tool ${params.tool} in this session`);
    } catch (err) {
      return failTool(`the tool ${params.tool} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** @internal Makes sure the thread exists on the current process (start, or resume after a respawn). */
  async ensureThread(): Promise<{ client: CodexClient; threadId: string }> {
    const done = this.#host.threadStarting(this);
    try {
      return await this.#ensureThread();
    } finally {
      done();
    }
  }

  async #ensureThread(): Promise<{ client: CodexClient; threadId: string }> {
    const { client, generation } = await this.#host.client(this);
    const o = this.options;
    const overrides = {
      ...(o.cwd ? { cwd: o.cwd } : {}),
      ...(o.model ? { model: o.model } : {}),
      ...(o.approvalPolicy ? { approvalPolicy: o.approvalPolicy } : {}),
      ...(o.sandbox ? { sandbox: o.sandbox } : {}),
      ...(o.developerInstructions ? { developerInstructions: o.developerInstructions } : {}),
      ...(o.baseInstructions ? { baseInstructions: o.baseInstructions } : {}),
    };
    const config = async (threadId: string | null) => {
      const merged = { ...(await this.#host.toolServerConfig(this, threadId)), ...o.config };
      return Object.keys(merged).length > 0 ? { config: merged } : {};
    };
    if (this.#threadId !== null && this.#generation === generation)
      return { client, threadId: this.#threadId };
    // Each thread starts its own copy of the tool server; a turn that calls it before it is up gets
    // "unsupported call". Watch for its start-up from before the thread exists.
    const toolServer = this.#host.toolServerName ? watchStartup(client, this.#host.toolServerName) : null;
    try {
      if (this.#threadId !== null && this.#generation !== generation) {
        // A new app-server (first use after a restart, or a respawn after a crash) must load the thread first.
        this.#host.bindThread(this.#threadId, this);
        try {
          await client.threadResume({
            threadId: this.#threadId,
            ...overrides,
            ...(await config(this.#threadId)),
            excludeTurns: true,
          });
        } catch (err) {
          // codex writes a thread's rollout with its first turn: a thread that never got that far has no
          // history to resume, so a fresh thread loses nothing.
          const noHistory = err instanceof JsonRpcError && /no rollout found/i.test(err.rpcMessage);
          if (!(noHistory && this.#freshThread)) throw err;
          this.#threadId = null;
        }
      }
      if (this.#threadId === null) {
        const dynamicTools = this.#host.dynamicTools?.specs();
        const started = await client.threadStart({
          ...overrides,
          ...(await config(null)),
          // Experimental in codex (the bridge turns experimentalApi on when it has dynamic tools).
          ...(dynamicTools ? ({ dynamicTools } as object) : {}),
        });
        this.#threadId = started.thread.id;
        this.#freshThread = true;
        this.#host.bindThread(started.thread.id, this);
        this.#writes.run("recording the thread", (store) =>
          store.updateSession(this.id, { threadId: started.thread.id, model: started.model }),
        );
      }
      this.#generation = generation;
      await toolServer?.ready(this.#threadId, this.#host.toolServerReadyTimeoutMs);
    } finally {
      toolServer?.stop();
    }
    return { client, threadId: this.#threadId };
  }

  /**
   * Closes the session: interrupts a running turn, withdraws pending
   * approvals, unloads the thread from codex (`thread/unsubscribe`, which
   * also stops its MCP servers) and leaves the bridge. The stored session
   * stays; `resumeSession` brings it back.
   */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #close(): Promise<void> {
    await this.interrupt().catch(() => undefined);
    this.#approvalsOfTurn.abort(new BridgeError("ABORTED", "the session was closed"));
    this.#listeners.clear();
    if (!this.#unloaded) await this.#release();
    this.#writes.run("closing the session", (store) => store.updateSession(this.id, { status: "closed" }));
  }

  /**
   * @internal Unloads an idle session (the bridge's idle timeout): codex
   * releases its thread and the bridge forgets it; the next `run` loads it
   * again. Does nothing while a turn runs.
   */
  async unload(): Promise<void> {
    if (this.running || this.#unloaded || this.#closed) return;
    this.#unloaded = true;
    await this.#release();
  }

  /** Unsubscribes from the thread on the process that has it loaded, and leaves the bridge. */
  async #release(): Promise<void> {
    this.#fileChanges.clear();
    const threadId = this.#threadId;
    const generation = this.#generation;
    // Whatever happens next, the thread must be loaded again (resumed) before another turn.
    this.#generation = -1;
    if (threadId !== null && generation >= 0) {
      // Only the process that has the thread loaded; a respawned one never heard of it.
      const current = await this.#host.currentClient(this);
      if (current && current.generation === generation) {
        await current.client.threadUnsubscribe({ threadId }).catch(() => undefined);
      }
    }
    this.#host.forget(this);
  }

  async #runTurn(input: v2.UserInput[], options: RunOptions): Promise<TurnResult> {
    const store = this.#host.store;
    const inputText = input.map((i) => (i.type === "text" ? i.text : `[${i.type}]`)).join("\n");
    let running: RunningTurn | undefined;
    let currentIdx: number | null = null;
    const writes = new StoreWrites(store, (error) => running?.storeFailed(error));
    this.#turnWrites = writes;
    let result: TurnResult;
    try {
      // The turn is recorded before anything reaches codex: a store that cannot record it stops it here.
      // A turn whose final write failed is still "running" in the store: record how it ended first.
      const unstored = this.#unstored;
      const turnIdx = writes.batch(() => {
        if (unstored) {
          writes.run("finishing the previous turn", (s) =>
            s.finishTurn(this.id, unstored.idx, unstored.result),
          );
        }
        const idx = store
          ? (writes.run("recording a new turn", (s) => s.startTurn(this.id, inputText)) ?? null)
          : null;
        writes.run("marking the session running", (s) =>
          s.updateSession(this.id, { status: "running", title: inputText.slice(0, 120) }),
        );
        return idx;
      });
      if (unstored && !writes.failure) this.#unstored = undefined;
      currentIdx = turnIdx;
      if (writes.failure) {
        const code = writes.failure.code === "LOCKED" ? "LOCKED" : "STORE_FAILED";
        throw new BridgeError(code, writes.failure.message);
      }
      const { client, threadId } = await this.ensureThread();
      running = startTurn(
        {
          sessionId: this.id,
          threadId,
          client,
          writes,
          turnIdx,
          projector: this.#projector,
          fileChanges: this.#fileChanges,
          watchdog: this.options.watchdog ?? {},
          interruptGraceMs: this.#host.interruptGraceMs,
          emit: (e) => this.#emit(e),
          onMessage: (m) => {
            if (!store) this.#memory.push(m);
          },
          onRequestResolved: (requestId) =>
            client.process.connection.abortIncoming(
              requestId,
              new BridgeError("ABORTED", "codex no longer needs this answer"),
            ),
          retire: (c, reason) => this.#host.retire(c, reason),
        },
        { threadId, input },
      );
      this.#active = running;
      this.#starting = false;
      this.#markActive(running);
      if (this.#broker.pending > 0) running.setWaitingOnApproval(true);
      const turn = running;
      const onAbort = () => void turn.interrupt();
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener("abort", onAbort, { once: true });
      try {
        result = await running.result;
        if (result.turnId !== null) this.#freshThread = false;
      } finally {
        options.signal?.removeEventListener("abort", onAbort);
      }
    } catch (err) {
      // The turn could not be recorded, or its thread could not be started or resumed: it fails with the reason.
      const error: TurnError = errorOf(err);
      result = {
        status: "failed",
        finalText: "",
        messages: [],
        items: [],
        usage: null,
        error,
        sessionId: this.id,
        threadId: this.#threadId ?? "",
        turnId: null,
      };
      this.#emit({
        sessionId: this.id,
        threadId: result.threadId,
        turnId: null,
        type: "turn.completed",
        result,
      });
    } finally {
      this.#active = undefined;
      this.#starting = false;
      this.#markActive(undefined);
      // Approvals still waiting belong to a turn that is over: withdraw them (declined, audited as aborted).
      this.#approvalsOfTurn.abort(new BridgeError("ABORTED", "the turn ended first"));
      this.#approvalsOfTurn = new AbortController();
      this.#fileChanges.clear();
      this.#turnWrites = undefined;
      this.#lastActiveAt = Date.now();
    }
    if (writes.failure && currentIdx !== null) {
      const { status, turnId, finalText, error, usage } = result;
      this.#unstored = { idx: currentIdx, result: { status, turnId, finalText, error, usage } };
    }
    writes.run(
      "updating the session",
      (s) => s.updateSession(this.id, { status: result.status === "failed" ? "failed" : "idle" }),
      { final: true },
    );
    return result;
  }

  #scheduleJournalFlush(): void {
    if (this.#flushTimer) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      this.#currentWrites().run("journalling events", (s) => s.flushJournal(this.id));
    }, JOURNAL_FLUSH_MS);
  }

  /** The store writes of the running turn, or the session's own outside turns. */
  #currentWrites(): StoreWrites {
    return this.#turnWrites ?? this.#writes;
  }

  #emit(event: SessionEvent): void {
    if (event.type !== "notification") {
      // The journal keeps the normalized event; the raw notification stays out (it would double the size),
      // and command output is capped as in the transcript (journalEvent).
      const { raw: _raw, ...payload } = event;
      const writes = this.#currentWrites();
      if (
        event.type === "text.delta" ||
        event.type === "reasoning.delta" ||
        event.type === "command.output"
      ) {
        // Deltas wait (coalesced per item) for the next event or the flush timer: one write per tick, not per delta.
        if (
          writes.run("journalling an event", (s) => s.queueEvent(this.id, event.turnId, event.type, payload))
        )
          this.#scheduleJournalFlush();
      } else {
        // Any other event is written at once, with the deltas queued before it, in one transaction;
        // turn.completed is written before the turn's result is handed out.
        writes.run(
          "journalling an event",
          (s) => s.journalEvent(this.id, event.turnId, event.type, payload),
          {
            final: event.type === "turn.completed",
          },
        );
      }
    }
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A subscriber's failure must not break the turn.
      }
    }
  }
}

function toUserInput(input: SessionInput): v2.UserInput[] {
  if (typeof input === "string") {
    if (input.trim() === "")
      throw new BridgeError("INVALID_OPTION", "the turn input is empty: give a prompt");
    return [{ type: "text", text: input, text_elements: [] }];
  }
  if (!Array.isArray(input) || input.length === 0) {
    throw new BridgeError("INVALID_OPTION", "the turn input must be a non-empty string or UserInput[]");
  }
  return input;
}

function failTool(message: string): v2.DynamicToolCallResponse {
  return { contentItems: [{ type: "inputText", text: message }], success: false };
}
