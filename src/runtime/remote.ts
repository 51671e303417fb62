/**
 * `RemoteRuntime`: the {@link Runtime} of a gateway (`codex-bridge serve`),
 * as a client over any message transport (WebSocket in the browser or Node,
 * stdio). Same answers and errors as the gateway's local runtime: a bridge
 * error keeps its code, an unsupported control throws UNSUPPORTED naming it.
 * With `reconnect`, a dropped connection is made again with backoff and
 * every subscription resumes after the last seq it delivered. Browser-safe:
 * it imports nothing of Node.
 */
import type { ApprovalDecision } from "../codex/approvalRequests.js";
import type { TurnResult } from "../codex/events.js";
import { BridgeError } from "../errors.js";
import type { CreateTaskInput, ListTasksOptions, Task, TaskEvent } from "../store/board/types.js";
import { type GatewayConnectionOptions, type GatewayInfo, GatewayConnection } from "./remoteConnection.js";
import { type RemoteSubscription, SubscriptionRegistry } from "./remoteSubscriptions.js";
import type {
  Runtime,
  RuntimeCapabilities,
  RuntimeEvent,
  SessionDetail,
  SessionSummary,
  StartedTurn,
  StartSessionParams,
  StartTurnParams,
  SubscribeParams,
} from "./runtime.js";
import { GATEWAY_METHODS as M, GATEWAY_NOTIFICATIONS as N } from "./wire.js";

export type { GatewayInfo, ReconnectOptions } from "./remoteConnection.js";
export type { RemoteSubscription } from "./remoteSubscriptions.js";

/** Connection state changes a host can show ("reconnecting…"). */
export type RemoteConnectionState = "connected" | "reconnecting" | "closed";

/** Which reconnection attempt is being made, of how many at most. */
export interface ReconnectAttempt {
  attempt: number;
  maxAttempts: number;
}

export interface RemoteRuntimeOptions extends GatewayConnectionOptions {
  /** Called when the connection drops, comes back, or ends for good (with the error, if any). */
  onConnectionState?: (state: RemoteConnectionState, error: Error | null) => void;
  /**
   * Called before each reconnection attempt, with which one it is and why the
   * last one failed, so a host can show "reconnecting (3/20)".
   */
  onReconnectAttempt?: (retry: ReconnectAttempt, lastError: Error) => void;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

export class RemoteRuntime implements Runtime {
  #connection!: GatewayConnection;
  readonly #subs: SubscriptionRegistry;

  private constructor(private readonly options: RemoteRuntimeOptions) {
    this.#subs = new SubscriptionRegistry((method, params, opts) =>
      this.#connection.request(method, params, opts),
    );
  }

  /**
   * Connects to a gateway and waits for its `gateway.ready`. Rejects when it
   * cannot connect (CONNECTION_CLOSED, AUTH_REQUIRED for a refused token,
   * REQUEST_TIMEOUT when ready never comes).
   */
  static async connect(options: RemoteRuntimeOptions): Promise<RemoteRuntime> {
    const runtime = new RemoteRuntime(options);
    runtime.#connection = await GatewayConnection.open(options, {
      notification: (method, params) => runtime.#onNotification(method, params),
      dropped: (error, reconnecting) => {
        runtime.#subs.dropped(error, reconnecting);
        if (reconnecting) options.onConnectionState?.("reconnecting", error);
      },
      retrying: (attempt, maxAttempts, lastError) =>
        options.onReconnectAttempt?.({ attempt, maxAttempts }, lastError),
      reconnected: async () => {
        await runtime.#subs.resubscribe();
        options.onConnectionState?.("connected", null);
      },
      ended: (error) => {
        runtime.#subs.endAll(error);
        options.onConnectionState?.("closed", error);
      },
    });
    return runtime;
  }

  /** What the gateway said in `gateway.ready` on the current (or last) connection. */
  get gateway(): GatewayInfo {
    const info = this.#connection.info;
    if (!info) throw new BridgeError("INVALID_STATE", "the remote runtime has not connected");
    return info;
  }

  /** True while a connection is up (false while reconnecting and after close). */
  get connected(): boolean {
    return this.#connection.connected;
  }

  async capabilities(): Promise<RuntimeCapabilities> {
    const health = record(await this.#request(M.health, {}, true));
    const capabilities = record(health.capabilities) as unknown as RuntimeCapabilities;
    return { ...capabilities, kind: "remote" };
  }

  startSession(params: StartSessionParams): Promise<SessionSummary> {
    return this.#request(M.sessionStart, params);
  }

  resumeSession(sessionId: string): Promise<SessionSummary> {
    return this.#request(M.sessionResume, { sessionId });
  }

  async listSessions(options: { limit?: number } = {}): Promise<SessionSummary[]> {
    return this.#list<SessionSummary>(M.sessionList, options, "sessions");
  }

  readSession(sessionId: string): Promise<SessionDetail> {
    return this.#request(M.sessionRead, { sessionId }, true);
  }

  startTurn(params: StartTurnParams): Promise<StartedTurn> {
    return this.#request(M.turnStart, params);
  }

  waitTurn(sessionId: string, turnId?: string | null): Promise<TurnResult> {
    // A turn runs as long as it runs: no request timeout; asked again after a reconnection.
    return this.#connection.request(
      M.turnWait,
      { sessionId, ...(turnId ? { turnId } : {}) },
      { timeoutMs: 0, retry: true },
    );
  }

  async cancelTurn(sessionId: string): Promise<void> {
    await this.#request(M.turnCancel, { sessionId });
  }

  async steerTurn(sessionId: string, input: string): Promise<void> {
    await this.#request(M.turnSteer, { sessionId, input });
  }

  async respondApproval(approvalId: string, decision: ApprovalDecision): Promise<void> {
    await this.#request(M.approvalRespond, { approvalId, decision });
  }

  /** Replays the journal after `params.after`, then follows live; the subscription knows its `lastSeq`. */
  subscribe(params: SubscribeParams, onEvent: (event: RuntimeEvent) => void): Promise<RemoteSubscription> {
    return this.#subs.open<RuntimeEvent>(
      {
        subscribe: {
          method: M.eventsSubscribe,
          // Batched frames when the gateway (of this connection: it may change on reconnect) has them.
          params: (after) => ({
            sessionId: params.sessionId,
            after,
            ...(this.#connection.info?.features.includes("events.batch") ? { batch: true } : {}),
          }),
        },
        unsubscribeMethod: M.eventsUnsubscribe,
        label: `session ${params.sessionId}`,
      },
      params.after ?? 0,
      onEvent,
    );
  }

  async closeSession(sessionId: string): Promise<void> {
    await this.#request(M.sessionClose, { sessionId });
  }

  boardCreate(input: CreateTaskInput): Promise<Task> {
    return this.#request(M.boardCreate, input);
  }

  boardList(options: ListTasksOptions = {}): Promise<Task[]> {
    return this.#list<Task>(M.boardList, options, "tasks");
  }

  boardGet(taskId: string): Promise<Task> {
    return this.#request(M.boardGet, { taskId }, true);
  }

  boardComment(taskId: string, text: string): Promise<Task> {
    return this.#request(M.boardComment, { taskId, text });
  }

  boardBlock(taskId: string, reason: string): Promise<Task> {
    return this.#request(M.boardBlock, { taskId, reason });
  }

  boardUnblock(taskId: string, note: string): Promise<Task> {
    return this.#request(M.boardUnblock, { taskId, note });
  }

  boardCancel(taskId: string): Promise<Task> {
    return this.#request(M.boardCancel, { taskId });
  }

  boardSubscribe(after: number, onEvent: (event: TaskEvent) => void): Promise<RemoteSubscription> {
    return this.#subs.open<TaskEvent>(
      {
        subscribe: { method: M.boardSubscribe, params: (cursor) => ({ after: cursor }) },
        unsubscribeMethod: M.eventsUnsubscribe,
        label: "the board",
      },
      after,
      onEvent,
    );
  }

  /** Ends every subscription (with null) and the connection; the gateway's sessions keep running. */
  async close(): Promise<void> {
    await this.#connection.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #request<T>(method: string, params: unknown, retry = false): Promise<T> {
    return this.#connection.request<T>(method, params, { retry });
  }

  async #list<T>(method: string, params: unknown, key: string): Promise<T[]> {
    const result = record(await this.#request(method, params, true));
    const list = result[key];
    if (!Array.isArray(list)) {
      throw new BridgeError("PROTOCOL_ERROR", `${method}: the gateway's answer has no ${key} list`);
    }
    return list as T[];
  }

  #onNotification(method: string, params: unknown): void {
    const p = record(params);
    const id =
      typeof p.subscriptionId === "string" || typeof p.subscriptionId === "number"
        ? String(p.subscriptionId)
        : null;
    if (id === null) return;
    switch (method) {
      case N.event:
      case N.boardEvent: {
        const event = record(p.event);
        if (typeof event.seq !== "number") return;
        this.#subs.event(id, event.seq, p.event);
        return;
      }
      case N.events: {
        if (!Array.isArray(p.events)) return;
        for (const item of p.events) {
          const event = record(item);
          if (typeof event.seq === "number") this.#subs.event(id, event.seq, item);
        }
        return;
      }
      case N.subscriptionClosed:
        this.#subs.serverClosed(id, p.reason, p.error);
        return;
      default:
        return;
    }
  }
}
