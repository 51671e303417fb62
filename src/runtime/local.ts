/**
 * The in-process runtime: a {@link Runtime} over a {@link CodexBridge} with
 * a store. The store's journal is the event source: what a subscriber
 * receives are journal entries (replayed after its cursor, then live), so a
 * client that reconnects with its cursor loses nothing. Approvals of `ask`
 * sessions go to the session's subscribers (see {@link ApprovalHub}).
 */
import { resolveCodexBinary } from "../codex/binary.js";
import type { CodexBridge } from "../codex/bridge.js";
import type { ApprovalDecision } from "../codex/approvalRequests.js";
import type { ApprovalOptions } from "../codex/approvals.js";
import type { TurnResult } from "../codex/events.js";
import type { Session, SessionOptions } from "../codex/session.js";
import type { TranscriptMessage } from "../codex/transcript.js";
import { BridgeError } from "../errors.js";
import type { Board, CreateTaskInput, ListTasksOptions, Task, TaskEvent } from "../store/board/types.js";
import type { BridgeStore, SessionRecord } from "../store/store.js";
import { PACKAGE_VERSION } from "../version.js";
import { ApprovalHub } from "./localApprovals.js";
import { LocalBoardOps } from "./localBoard.js";
import { followJournal, type JournalFollower, journalledResult, lastSeqOf } from "./localJournal.js";
import type {
  Runtime,
  RuntimeCapabilities,
  RuntimeEvent,
  SessionDetail,
  SessionStatus,
  SessionSummary,
  StartedTurn,
  StartSessionParams,
  StartTurnParams,
  Subscription,
  SubscribeParams,
} from "./runtime.js";

export interface LocalRuntimeOptions {
  /** The bridge that runs the sessions; it must have a store (its journal is the event source). */
  bridge: CodexBridge;
  /** The kanban board behind the `board*` methods; without one they throw UNSUPPORTED. */
  board?: Board;
  /** How long an approval waits for a subscribed client before it is declined. Default 600000 ms (10 min). */
  approvalTimeoutMs?: number;
  /** Interval of the board event poll behind `boardSubscribe`. Default 250 ms. */
  boardPollMs?: number;
}

interface Live {
  session: Session;
  /** The running turn's result (kept after it ends until the next turn starts). */
  turn: { turnId: string | null; result: Promise<TurnResult> } | undefined;
}

export class LocalRuntime implements Runtime {
  readonly #bridge: CodexBridge;
  readonly #store: BridgeStore;
  readonly #board: LocalBoardOps;
  readonly #approvals: ApprovalHub;
  readonly #approvalTimeoutMs: number | undefined;
  readonly #live = new Map<string, Live>();
  readonly #followers = new Set<JournalFollower>();
  #closed = false;

  constructor(options: LocalRuntimeOptions) {
    const store = options.bridge.store;
    if (!store) {
      throw new BridgeError(
        "INVALID_OPTION",
        "LocalRuntime needs a bridge with a store (store: false was given)",
      );
    }
    this.#bridge = options.bridge;
    this.#store = store;
    this.#board = new LocalBoardOps(options.board, options.boardPollMs);
    this.#approvals = new ApprovalHub(store, (id) => this.subscriberCount(id));
    this.#approvalTimeoutMs = options.approvalTimeoutMs;
  }

  /** How many subscriptions follow the session now. */
  subscriberCount(sessionId: string): number {
    let n = 0;
    for (const f of this.#followers) if (f.sessionId === sessionId) n++;
    return n;
  }

  async capabilities(): Promise<RuntimeCapabilities> {
    const codexVersion = await resolveCodexBinary().then(
      (b) => b.version,
      () => null,
    );
    return {
      kind: "local",
      version: PACKAGE_VERSION,
      codexVersion,
      cancel: true,
      steer: true,
      resume: true,
      approvals: true,
      replay: true,
      board: this.#board.available,
    };
  }

  async startSession(params: StartSessionParams): Promise<SessionSummary> {
    this.#assertOpen();
    // The session id exists once the bridge made the session; approvals come only with its turns, later.
    const box = { id: "" };
    const session = await this.#bridge.startSession(this.#sessionOptions(params, box));
    box.id = session.id;
    this.#live.set(session.id, { session, turn: undefined });
    if (params.title) this.#store.updateSession(session.id, { title: params.title });
    return this.#summary(this.#record(session.id));
  }

  async resumeSession(sessionId: string): Promise<SessionSummary> {
    this.#assertOpen();
    this.#record(sessionId);
    if (!this.#live.has(sessionId)) {
      // The clients' policy is not stored with the session: a resumed session asks its clients (fail closed).
      const session = await this.#bridge.resumeSession(sessionId, {
        approvals: this.#approvalOptions("ask", { id: sessionId }),
      });
      this.#live.set(session.id, { session, turn: undefined });
    }
    return this.#summary(this.#record(sessionId));
  }

  listSessions(options: { limit?: number } = {}): Promise<SessionSummary[]> {
    return attempt(() => this.#store.listSessions(options.limit ?? 100).map((r) => this.#summary(r)));
  }

  readSession(sessionId: string): Promise<SessionDetail> {
    return attempt(() => ({
      ...this.#summary(this.#record(sessionId)),
      transcript: this.#store.listMessages<TranscriptMessage>(sessionId).map((m) => m.message),
      pendingApprovals: this.#approvals.pendingOf(sessionId),
    }));
  }

  async startTurn(params: StartTurnParams): Promise<StartedTurn> {
    const live = this.#loaded(params.sessionId);
    this.#record(params.sessionId);
    const afterSeq = lastSeqOf(this.#store, params.sessionId);
    const { events, result } = live.session.runStreamed(params.input);
    const turn = { turnId: null as string | null, result };
    live.turn = turn;
    void result.then(
      (r) => this.#afterTurn(params.sessionId, live, r.status),
      () => this.#afterTurn(params.sessionId, live, "failed"),
    );
    // Wait only for codex to confirm the turn (its id); the rest streams through the journal.
    for await (const event of events) {
      if (event.type === "turn.started" || event.type === "turn.completed") {
        turn.turnId = event.turnId;
        break;
      }
    }
    await events.return?.();
    return { sessionId: params.sessionId, turnId: turn.turnId, afterSeq };
  }

  async waitTurn(sessionId: string, turnId: string | null = null): Promise<TurnResult> {
    // The running turn first: it has a result even when its session was deleted under it.
    const current = this.#live.get(sessionId)?.turn;
    if (current && (turnId === null || current.turnId === turnId)) return current.result;
    this.#record(sessionId);
    const stored = journalledResult(this.#store, sessionId, turnId);
    if (stored) return stored;
    throw new BridgeError(
      "NOT_FOUND",
      turnId === null ? `session ${sessionId} has no turn yet` : `no turn ${turnId} in session ${sessionId}`,
      { details: { sessionId, turnId } },
    );
  }

  async cancelTurn(sessionId: string): Promise<void> {
    const live = this.#loaded(sessionId);
    if (!live.session.running) {
      throw new BridgeError("INVALID_STATE", `session ${sessionId} has no running turn to cancel`);
    }
    await live.session.interrupt();
  }

  async steerTurn(sessionId: string, input: string): Promise<void> {
    await this.#loaded(sessionId).session.steer(input);
  }

  respondApproval(approvalId: string, decision: ApprovalDecision): Promise<void> {
    return attempt(() => this.#approvals.respond(approvalId, decision));
  }

  async subscribe(params: SubscribeParams, onEvent: (event: RuntimeEvent) => void): Promise<Subscription> {
    this.#assertOpen();
    this.#record(params.sessionId);
    const follower = await followJournal(this.#store, params.sessionId, params.after ?? 0, onEvent, () =>
      this.#followers.delete(follower),
    );
    this.#followers.add(follower);
    return follower;
  }

  async closeSession(sessionId: string): Promise<void> {
    this.#record(sessionId);
    const live = this.#live.get(sessionId);
    this.#live.delete(sessionId);
    if (live) await live.session.close();
    else this.#store.updateSession(sessionId, { status: "closed" });
    for (const f of [...this.#followers]) if (f.sessionId === sessionId) f.end(null);
  }

  boardCreate(input: CreateTaskInput): Promise<Task> {
    return this.#board.create(input);
  }
  boardList(options?: ListTasksOptions): Promise<Task[]> {
    return this.#board.list(options);
  }
  boardGet(taskId: string): Promise<Task> {
    return this.#board.get(taskId);
  }
  boardComment(taskId: string, text: string): Promise<Task> {
    return this.#board.comment(taskId, text);
  }
  boardBlock(taskId: string, reason: string): Promise<Task> {
    return this.#board.block(taskId, reason);
  }
  boardUnblock(taskId: string, note: string): Promise<Task> {
    return this.#board.unblock(taskId, note);
  }
  boardCancel(taskId: string): Promise<Task> {
    return this.#board.cancel(taskId);
  }
  boardSubscribe(after: number, onEvent: (event: TaskEvent) => void): Promise<Subscription> {
    return this.#board.subscribe(after, onEvent);
  }

  /** Interrupts running turns and ends subscriptions; the bridge (and its store) stay the caller's to close. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#board.close();
    // Interrupted turns end (and are journalled) before the caller closes the bridge and its store.
    await Promise.all(
      [...this.#live.values()].map(async (l) => {
        if (!l.session.running) return;
        await l.session.interrupt().catch(() => undefined);
        await l.turn?.result.catch(() => undefined);
      }),
    );
    this.#live.clear();
    // After the interruptions: their turn.completed reached the subscribers.
    for (const f of [...this.#followers]) f.end(null);
  }

  #sessionOptions(params: StartSessionParams, box: { id: string }): SessionOptions {
    return {
      ...(params.cwd !== undefined ? { cwd: params.cwd } : {}),
      ...(params.model !== undefined ? { model: params.model } : {}),
      ...(params.sandbox !== undefined ? { sandbox: params.sandbox } : {}),
      ...(params.codexApprovalPolicy !== undefined ? { approvalPolicy: params.codexApprovalPolicy } : {}),
      ...(params.config !== undefined ? { config: params.config as SessionOptions["config"] } : {}),
      approvals: this.#approvalOptions(params.approvalPolicy ?? "ask", box),
    };
  }

  #approvalOptions(policy: "ask" | "accept" | "decline", box: { id: string }): ApprovalOptions {
    const ask = (...args: Parameters<ReturnType<ApprovalHub["handlerFor"]>>) =>
      this.#approvals.handlerFor(box.id)(...args);
    return {
      policy,
      ...(policy === "ask" ? { onRequest: ask } : {}),
      ...(this.#approvalTimeoutMs !== undefined ? { timeoutMs: this.#approvalTimeoutMs } : {}),
    };
  }

  /**
   * A turn ended. When its session was deleted from the store meanwhile
   * (by a tool writing the database directly: `sessions rm` refuses), its end could not be
   * journalled: the session's subscribers are told so, instead of waiting
   * for a `turn.completed` that will never come, and the session is closed
   * (kept in `#live` only so that `waitTurn` still gives the turn's result).
   */
  #afterTurn(sessionId: string, live: Live, status: string): void {
    let exists = true;
    try {
      exists = this.#store.getSession(sessionId) !== undefined;
    } catch {
      // The store cannot say: leave the session as it is.
    }
    if (exists || this.#live.get(sessionId) !== live) return;
    void live.session.close().catch(() => undefined);
    const reason = new BridgeError(
      "NOT_FOUND",
      `session ${sessionId} was deleted from the store while its turn ran; the turn ended ${status}`,
      { details: { sessionId } },
    );
    for (const f of [...this.#followers]) if (f.sessionId === sessionId) f.end(reason);
  }

  #loaded(sessionId: string): Live {
    this.#assertOpen();
    const live = this.#live.get(sessionId);
    if (live) return live;
    const record = this.#record(sessionId);
    throw new BridgeError(
      "INVALID_STATE",
      `session ${sessionId} is ${record.status === "closed" ? "closed" : "not loaded in this runtime"}: resume it first`,
      { details: { sessionId } },
    );
  }

  #record(sessionId: string): SessionRecord {
    const record = this.#store.getSession(sessionId);
    if (!record) {
      throw new BridgeError("NOT_FOUND", `no session ${sessionId} (see session.list)`, {
        details: { sessionId },
      });
    }
    return record;
  }

  #summary(r: SessionRecord): SessionSummary {
    const live = this.#live.get(r.id);
    let status: SessionStatus = r.status;
    if (live?.session.running) status = "running";
    else if (status === "idle" && this.#store.lastTurnStatus(r.id) === "interrupted") status = "interrupted";
    const taskId = (r.options as { taskId?: unknown }).taskId;
    return {
      id: r.id,
      threadId: r.threadId,
      status,
      cwd: r.cwd,
      model: r.model,
      title: r.title,
      taskId: typeof taskId === "string" ? taskId : null,
      createdAt: r.createdAt,
      lastActiveAt: r.updatedAt,
      lastSeq: lastSeqOf(this.#store, r.id),
    };
  }

  #assertOpen(): void {
    if (this.#closed) throw new BridgeError("INVALID_STATE", "the runtime is closed");
  }
}

/** Runs `fn`, its throw becoming a rejection. */
function attempt<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
