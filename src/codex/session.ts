/**
 * A session is one codex thread seen from the host: turns run one at a time,
 * each streamed as {@link SessionEvent}s and ended with a {@link TurnResult};
 * the transcript and journal are stored as events arrive. If the app-server
 * dies, the next turn respawns it and resumes the same thread.
 */
import { randomUUID } from "node:crypto";
import { BridgeError } from "../errors.js";
import type { BridgeStore } from "../store/store.js";
import { AsyncQueue } from "../util/asyncQueue.js";
import { type ApprovalMethod, type FileChangeSummary, parseApprovalRequest } from "./approvalRequests.js";
import { ApprovalBroker, type ApprovalOptions, auditRecord } from "./approvals.js";
import type { CodexClient } from "./client.js";
import type { DynamicToolProvider } from "./dynamicTools.js";
import type { SessionEvent, TurnResult } from "./events.js";
import { initialProjectorState, type ProjectorOptions, type ProjectorState } from "./projector.js";
import type { JsonValue } from "./protocol/generated/serde_json/JsonValue.js";
import type { v2 } from "./protocol/index.js";
import type { ProjectedMessage, TranscriptMessage } from "./transcript.js";
import { type RunningTurn, startTurn } from "./turn.js";
import { validateWatchdogOptions, type WatchdogOptions } from "./watchdog.js";

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
  client(): Promise<{ client: CodexClient; generation: number }>;
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
  toolServerConfig(session: Session, threadId: string | null): Record<string, JsonValue>;
  /** MCP tools whose calls need no approval (the bridge's read-only tools). */
  trustedTool(server: string, tool: string | null, annotations: Record<string, unknown> | null): boolean;
}

export class Session {
  readonly id: string;
  readonly options: SessionOptions;
  #threadId: string | null;
  #generation = -1;
  #active: RunningTurn | undefined;
  #starting = false;
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
    this.#broker = new ApprovalBroker(init.options.approvals ?? {}, {
      trustedTool: (server, tool, annotations) => host.trustedTool(server, tool, annotations),
      onRequested: (approval) =>
        this.#emit({
          sessionId: this.id,
          threadId: this.#threadId ?? "",
          turnId: approval.turnId,
          type: "approval.requested",
          approval,
        }),
      onResolved: (approval, outcome, requestedAt) => {
        host.store?.recordApproval(auditRecord(this.id, approval, outcome, requestedAt));
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
    if (this.running) {
      throw new BridgeError(
        "INVALID_STATE",
        `session ${this.id} is already running a turn: steer() or interrupt() it`,
      );
    }
    const items = toUserInput(input);
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

  /** Adds input to the running turn. Throws `INVALID_STATE` when no turn runs. */
  async steer(input: SessionInput): Promise<void> {
    const active = this.#active ?? (this.#starting ? await this.#activeReady : undefined);
    // A steer right after run() waits for codex to confirm the turn it steers.
    const turnId = active ? (active.turnId() ?? (await active.started)) : null;
    const threadId = this.#threadId;
    if (!active || !turnId || !threadId) {
      throw new BridgeError("INVALID_STATE", `session ${this.id} has no running turn to steer`);
    }
    const { client } = await this.#host.client();
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
    return (await this.#broker.decide(request, signal)).response;
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
        });
      }
      return failTool(`no handler for the dynamic tool ${params.tool} in this session`);
    } catch (err) {
      return failTool(`the tool ${params.tool} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** @internal Makes sure the thread exists on the current process (start, or resume after a respawn). */
  async ensureThread(): Promise<{ client: CodexClient; threadId: string }> {
    const { client, generation } = await this.#host.client();
    const o = this.options;
    const overrides = {
      ...(o.cwd ? { cwd: o.cwd } : {}),
      ...(o.model ? { model: o.model } : {}),
      ...(o.approvalPolicy ? { approvalPolicy: o.approvalPolicy } : {}),
      ...(o.sandbox ? { sandbox: o.sandbox } : {}),
      ...(o.developerInstructions ? { developerInstructions: o.developerInstructions } : {}),
      ...(o.baseInstructions ? { baseInstructions: o.baseInstructions } : {}),
    };
    const config = (threadId: string | null) => {
      const merged = { ...this.#host.toolServerConfig(this, threadId), ...o.config };
      return Object.keys(merged).length > 0 ? { config: merged } : {};
    };
    if (this.#threadId === null) {
      const dynamicTools = this.#host.dynamicTools?.specs();
      const started = await client.threadStart({
        ...overrides,
        ...config(null),
        // Experimental in codex (the bridge turns experimentalApi on when it has dynamic tools).
        ...(dynamicTools ? ({ dynamicTools } as object) : {}),
      });
      this.#threadId = started.thread.id;
      this.#generation = generation;
      this.#host.bindThread(started.thread.id, this);
      this.#host.store?.updateSession(this.id, { threadId: started.thread.id, model: started.model });
    } else if (this.#generation !== generation) {
      // A new app-server (first use after a restart, or a respawn after a crash) must load the thread first.
      this.#host.bindThread(this.#threadId, this);
      await client.threadResume({
        threadId: this.#threadId,
        ...overrides,
        ...config(this.#threadId),
        excludeTurns: true,
      });
      this.#generation = generation;
    }
    return { client, threadId: this.#threadId };
  }

  async #runTurn(input: v2.UserInput[], options: RunOptions): Promise<TurnResult> {
    const store = this.#host.store;
    const inputText = input.map((i) => (i.type === "text" ? i.text : `[${i.type}]`)).join("\n");
    const turnIdx = store ? store.startTurn(this.id, inputText) : null;
    store?.updateSession(this.id, { status: "running", title: inputText.slice(0, 120) });
    let result: TurnResult;
    try {
      const { client, threadId } = await this.ensureThread();
      const running = startTurn(
        {
          sessionId: this.id,
          threadId,
          client,
          store,
          turnIdx,
          projector: this.#projector,
          fileChanges: this.#fileChanges,
          pendingApprovals: () => this.#broker.pending,
          watchdog: this.options.watchdog ?? {},
          interruptGraceMs: this.#host.interruptGraceMs,
          emit: (e) => this.#emit(e),
          onMessage: (m) => {
            if (!store) this.#memory.push(m);
          },
          retire: (c, reason) => this.#host.retire(c, reason),
        },
        { threadId, input },
      );
      this.#active = running;
      this.#starting = false;
      this.#markActive(running);
      const onAbort = () => void running.interrupt();
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener("abort", onAbort, { once: true });
      try {
        result = await running.result;
      } finally {
        options.signal?.removeEventListener("abort", onAbort);
      }
    } catch (err) {
      // The thread could not be started or resumed: the turn fails with the reason.
      const error =
        err instanceof BridgeError
          ? { code: err.code, message: err.message, details: err.details }
          : { code: "TURN_FAILED" as const, message: err instanceof Error ? err.message : String(err) };
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
      if (store && turnIdx !== null)
        store.finishTurn(this.id, turnIdx, { status: "failed", finalText: "", error });
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
    }
    store?.updateSession(this.id, { status: result.status === "failed" ? "failed" : "idle" });
    return result;
  }

  #emit(event: SessionEvent): void {
    const store = this.#host.store;
    if (store && event.type !== "notification") {
      // The journal keeps the normalized event; the raw notification stays out (it would double the size),
      // and command output is capped as in the transcript (journalEvent).
      const { raw: _raw, ...payload } = event;
      store.journalEvent(this.id, event.turnId, event.type, payload);
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
