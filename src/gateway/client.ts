/**
 * One connected client of the gateway, whatever carries it (a WebSocket, or
 * stdin/stdout): parses each message, answers requests, and sends the
 * notifications of its subscriptions. Bad input gets its JSON-RPC error and
 * the connection lives on. Back-pressure: when the bytes queued for the
 * client pass the bound, or nothing drains for the write timeout, the
 * client is disconnected (close code 4008): it reattaches from its cursor.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { BridgeError, RpcErrorCode } from "../errors.js";
import type { Subscription } from "../runtime/runtime.js";
import { GATEWAY_CLOSE, GATEWAY_ERRORS, GATEWAY_NOTIFICATIONS } from "../runtime/wire.js";
import { redactSecrets } from "../util/redact.js";
import { describeIssues, METHODS, type MethodContext } from "./methods.js";

/**
 * The most events one `events` frame carries; the first frame of a
 * subscription carries fewer, so that a page shows the start of a long
 * replay before it has the rest.
 */
const MAX_BATCH = 256;
const FIRST_BATCH = 32;

/** What carries a client's messages. */
export interface GatewayTransport {
  /** Sends one JSON-RPC message (serialized, without the newline). */
  send(text: string): void;
  /** Bytes queued for the peer and not yet written. */
  bufferedBytes(): number;
  /** Ends the connection with a close code and a reason (WebSocket close codes). */
  close(code: number, reason: string): void;
}

const SHUTTING_DOWN = "the gateway is shutting down";

export interface ClientHooks {
  /** The methods' view of the server (runtime, reaper, health). */
  context(client: GatewayClient): Omit<MethodContext, "subscribe" | "unsubscribe" | "boardSubscribe">;
  /** A subscription to a session started (+1) or ended (-1). */
  watch(sessionId: string, delta: 1 | -1): void;
  /** True once the server is shutting down: subscriptions it ends then end with an error, not as a closed session. */
  shuttingDown(): boolean;
  log(line: string): void;
}

export interface ClientLimits {
  /** Bytes queued for the client past which it is disconnected. */
  maxBufferedBytes: number;
  /** Queued bytes that do not drain for this long disconnect the client. */
  writeTimeoutMs: number;
}

type Id = string | number | null;

export class GatewayClient {
  readonly #transport: GatewayTransport;
  readonly #hooks: ClientHooks;
  readonly #limits: ClientLimits;
  readonly #subs = new Map<string, { sub: Subscription; sessionId: string | null }>();
  readonly #timer: NodeJS.Timeout;
  #lastBuffered = 0;
  #lastProgress = Date.now();
  #closed = false;

  constructor(transport: GatewayTransport, hooks: ClientHooks, limits: ClientLimits) {
    this.#transport = transport;
    this.#hooks = hooks;
    this.#limits = limits;
    this.#timer = setInterval(() => this.#checkDrain(), Math.min(1000, limits.writeTimeoutMs));
    this.#timer.unref();
  }

  get closed(): boolean {
    return this.#closed;
  }

  notify(method: string, params: unknown): void {
    this.#send({ method, params });
  }

  /** One text message from the client. */
  receive(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return this.parseError(`parse error: not JSON: ${preview(text)}`);
    }
    this.receiveValue(value);
  }

  /** A message already parsed from JSON. */
  receiveValue(value: unknown): void {
    if (Array.isArray(value)) {
      return this.#error(
        null,
        RpcErrorCode.InvalidRequest,
        "batches are not supported: send one request per message",
      );
    }
    const request = requestSchema.safeParse(value);
    if (!request.success) {
      const rawId = (value as { id?: unknown } | null)?.id;
      const id = typeof rawId === "string" || typeof rawId === "number" ? rawId : null;
      return this.#error(
        id,
        RpcErrorCode.InvalidRequest,
        `invalid request: ${describeIssues(request.error).message.slice(16)}`,
      );
    }
    const { id, method, params } = request.data;
    if (id === undefined) return; // A notification: the gateway takes none, and answers none.
    void this.#call(id, method, params);
  }

  /** A message that is not JSON (-32700); the connection lives on. */
  parseError(message: string): void {
    this.#error(null, RpcErrorCode.ParseError, message);
  }

  /** A message the transport refused before parsing (binary, oversized). */
  refuse(message: string): void {
    this.#error(null, RpcErrorCode.InvalidRequest, message);
  }

  /** The transport ended: subscriptions end, the sessions keep running. */
  dispose(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    for (const [subscriptionId] of this.#subs) void this.#end(subscriptionId);
  }

  /** Closes the connection (the transport calls {@link dispose} when it is gone). */
  close(code: number, reason: string): void {
    this.#transport.close(code, reason);
    this.dispose();
  }

  async #call(id: string | number, method: string, params: unknown): Promise<void> {
    const entry = METHODS[method];
    if (!entry) return this.#error(id, RpcErrorCode.MethodNotFound, `method not found: ${method}`);
    const parsed = entry.params.safeParse(params ?? {});
    if (!parsed.success) {
      const { message, fields } = describeIssues(parsed.error);
      return this.#error(id, RpcErrorCode.InvalidParams, message, { fields });
    }
    // Run once the response is sent (a subscription's first events follow its id).
    const after: Array<() => void> = [];
    try {
      const result = await entry.run(this.#context(after), parsed.data);
      this.#send({ id, result: result ?? {} });
    } catch (err) {
      this.#fail(id, method, err);
    } finally {
      for (const fn of after) fn();
    }
  }

  #context(after: Array<() => void>): MethodContext {
    return {
      ...this.#hooks.context(this),
      subscribe: (sessionId, cursor, batch) => this.#subscribe(sessionId, cursor, batch, after),
      unsubscribe: (subscriptionId) => this.#unsubscribe(subscriptionId),
      boardSubscribe: (cursor) => this.#boardSubscribe(cursor, after),
    };
  }

  /**
   * The response (with the subscription id) goes out before the first event:
   * at the first replayed event, or when the runtime confirms.
   */
  async #subscribe(
    sessionId: string,
    after: number,
    batch: boolean,
    onAnswered: Array<() => void>,
  ): Promise<{ subscriptionId: string }> {
    const subscriptionId = randomUUID();
    return this.#follow(subscriptionId, sessionId, batch, onAnswered, (deliver) =>
      this.#hooks
        .context(this)
        .runtime.subscribe({ sessionId, after }, (event) => deliver(GATEWAY_NOTIFICATIONS.event, event)),
    );
  }

  async #boardSubscribe(after: number, onAnswered: Array<() => void>): Promise<{ subscriptionId: string }> {
    const subscriptionId = randomUUID();
    return this.#follow(subscriptionId, null, false, onAnswered, (deliver) =>
      this.#hooks
        .context(this)
        .runtime.boardSubscribe(after, (event) => deliver(GATEWAY_NOTIFICATIONS.boardEvent, event)),
    );
  }

  #follow(
    subscriptionId: string,
    sessionId: string | null,
    batch: boolean,
    onAnswered: Array<() => void>,
    start: (deliver: (method: string, event: unknown) => void) => Promise<Subscription>,
  ): Promise<{ subscriptionId: string }> {
    // Events delivered before start() resolves wait here until the response is sent.
    const early: Array<[string, unknown]> = [];
    let answered = false;
    // Batched: the events delivered in one go (a replay page, a journal commit) leave in one frame.
    let pending: unknown[] = [];
    let scheduled = false;
    let cap = FIRST_BATCH;
    const flush = () => {
      scheduled = false;
      const events = pending;
      pending = [];
      // Nothing after an unsubscribe: the client has forgotten the subscription.
      if (events.length > 0 && !this.#closed && this.#subs.has(subscriptionId)) {
        this.notify(GATEWAY_NOTIFICATIONS.events, { subscriptionId, events });
        cap = MAX_BATCH;
      }
    };
    const send = (method: string, event: unknown) => {
      if (!batch) return this.notify(method, { subscriptionId, event });
      pending.push(event);
      if (pending.length >= cap) flush();
      else if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    };
    const deliver = (method: string, event: unknown) => {
      if (this.#closed) return;
      if (answered) send(method, event);
      else early.push([method, event]);
    };
    return start(deliver).then((sub) => {
      if (this.#closed) {
        void sub.close();
        return { subscriptionId };
      }
      this.#subs.set(subscriptionId, { sub, sessionId });
      if (sessionId) this.#hooks.watch(sessionId, 1);
      void sub.closed.then((reason) => {
        // Ended by the runtime (session closed or reaped, a store failure): tell the client.
        if (!this.#subs.has(subscriptionId)) return;
        flush();
        this.#forget(subscriptionId);
        // A shutdown is not the session's end: the error lets a follower tell the two apart.
        // A runtime failure (a journal that cannot be read, a session deleted under its turn) carries its code.
        const shutdown = !reason && this.#hooks.shuttingDown();
        const error = reason
          ? { code: reason instanceof BridgeError ? reason.code : "STORE_FAILED", message: reason.message }
          : shutdown
            ? { code: "CONNECTION_CLOSED", message: SHUTTING_DOWN }
            : undefined;
        this.notify(GATEWAY_NOTIFICATIONS.subscriptionClosed, {
          subscriptionId,
          reason: reason ? reason.message : shutdown ? SHUTTING_DOWN : "the session was closed",
          ...(error ? { error } : {}),
        });
      });
      onAnswered.push(() => {
        answered = true;
        for (const [method, event] of early.splice(0)) send(method, event);
      });
      return { subscriptionId };
    });
  }

  async #unsubscribe(subscriptionId: string): Promise<void> {
    if (!this.#subs.has(subscriptionId)) {
      throw new BridgeError("NOT_FOUND", `no subscription ${subscriptionId} on this connection`, {
        details: { subscriptionId },
      });
    }
    await this.#end(subscriptionId);
  }

  async #end(subscriptionId: string): Promise<void> {
    const entry = this.#subs.get(subscriptionId);
    if (!entry) return;
    this.#forget(subscriptionId);
    await entry.sub.close().catch(() => undefined);
  }

  #forget(subscriptionId: string): void {
    const entry = this.#subs.get(subscriptionId);
    if (!entry) return;
    this.#subs.delete(subscriptionId);
    if (entry.sessionId) this.#hooks.watch(entry.sessionId, -1);
  }

  #fail(id: Id, method: string, err: unknown): void {
    if (err instanceof BridgeError) {
      const code = err.code === "UNSUPPORTED" ? GATEWAY_ERRORS.unsupported : GATEWAY_ERRORS.bridge;
      return this.#error(id, code, err.message, { code: err.code, ...err.details });
    }
    if (err instanceof z.ZodError) {
      const { message, fields } = describeIssues(err);
      return this.#error(id, RpcErrorCode.InvalidParams, message, { fields });
    }
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    this.#hooks.log(`internal error in ${method} (request id ${String(id)}): ${redactSecrets(detail)}`);
    this.#error(
      id,
      RpcErrorCode.InternalError,
      `internal error in ${method} (request id ${String(id)}): see the gateway's log`,
    );
  }

  #error(id: Id, code: number, message: string, data?: unknown): void {
    this.#send({ id, error: { code, message, ...(data === undefined ? {} : { data }) } });
  }

  #send(message: unknown): void {
    if (this.#closed) return;
    this.#transport.send(JSON.stringify(message));
    const queued = this.#transport.bufferedBytes();
    if (queued > this.#limits.maxBufferedBytes) {
      this.close(
        GATEWAY_CLOSE.slowConsumer,
        `slow consumer: more than ${this.#limits.maxBufferedBytes} bytes queued; reattach from your cursor`,
      );
    }
  }

  #checkDrain(): void {
    const queued = this.#transport.bufferedBytes();
    const now = Date.now();
    if (queued === 0 || queued < this.#lastBuffered) this.#lastProgress = now;
    this.#lastBuffered = queued;
    if (now - this.#lastProgress > this.#limits.writeTimeoutMs) {
      this.close(
        GATEWAY_CLOSE.slowConsumer,
        `write timeout: nothing drained for ${this.#limits.writeTimeoutMs} ms`,
      );
    }
  }
}

const requestSchema = z.looseObject({
  jsonrpc: z.literal("2.0").optional(),
  id: z.union([z.string(), z.number()]).optional(),
  method: z.string().min(1),
  params: z.unknown().optional(),
});

function preview(text: string): string {
  return text.length > 80 ? `${JSON.stringify(text.slice(0, 80))}…` : JSON.stringify(text);
}
