/**
 * A JSON-RPC connection over a pair of byte streams. Generic: it knows
 * nothing of codex. Outgoing requests get increasing ids and a pending entry
 * (timeout, AbortSignal); incoming requests go to exactly one handler per
 * method, and a method with no handler is answered -32601 at once, because
 * a peer waiting on an unanswered request stalls.
 */
import type { Readable, Writable } from "node:stream";
import { BridgeError, JsonRpcError, RpcErrorCode } from "../errors.js";
import { type LineReaderOptions, readJsonLines } from "./lineReader.js";
import {
  classifyMessage,
  encodeMessage,
  type NotificationMessage,
  type RequestId,
  type RequestMessage,
  type ResponseMessage,
} from "./messages.js";
import { SerialWriter } from "./serialWriter.js";

export type ConnectionState = "new" | "open" | "closed";

export interface ConnectionOptions extends LineReaderOptions {
  /** Write `"jsonrpc": "2.0"` on every message (MCP peers want it; codex does not). Default false. */
  jsonrpcField?: boolean;
  /** Default per-request timeout in ms; 0 means none. Default 0. */
  requestTimeoutMs?: number;
  /**
   * Close the connection when the input stream ends or the output stream
   * fails. Default true. A process owner sets false and closes with the exit
   * status instead, so pending requests learn why the peer went away.
   */
  closeWithStreams?: boolean;
  /**
   * When the input ends (and `closeWithStreams` is on), wait up to this many
   * ms for incoming requests still being handled to answer before closing,
   * so a peer that sends its last request and closes its end still gets the
   * answer. 0 closes at once, aborting them. Default 0.
   */
  drainOnInputEndMs?: number;
}

export interface RequestOptions {
  /** Overrides the connection's default timeout for this request; 0 means none. */
  timeoutMs?: number;
  /** Rejects the request with an `ABORTED` error when aborted. */
  signal?: AbortSignal;
}

export interface ServerRequestContext {
  id: RequestId;
  method: string;
  /** Aborted when the connection closes before the handler answers, or by {@link JsonRpcConnection.abortIncoming}. */
  signal: AbortSignal;
}

/** Answers one incoming request. Throw a {@link JsonRpcError} to choose the wire error. */
export type RequestHandler = (params: unknown, context: ServerRequestContext) => unknown;

export interface IncomingNotification extends NotificationMessage {
  raw: Record<string, unknown>;
}

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

const ABANDONED_IDS_KEPT = 1024;

export class JsonRpcConnection {
  #state: ConnectionState = "new";
  #nextId = 0;
  readonly #pending = new Map<RequestId, Pending>();
  readonly #abandoned = new Set<RequestId>();
  readonly #handlers = new Map<string, RequestHandler>();
  readonly #inflight = new Set<AbortController>();
  /** In-flight incoming requests by id; `abandoned` ones get no response. */
  readonly #incoming = new Map<RequestId, { controller: AbortController; abandoned: boolean }>();
  /** Set while the input has ended and in-flight requests are finishing: closes the connection. */
  #drained: (() => void) | undefined;
  readonly #notificationListeners = new Set<(n: IncomingNotification) => void>();
  readonly #errorListeners = new Set<(e: Error) => void>();
  readonly #closeListeners = new Set<(reason: BridgeError) => void>();
  readonly #writer: SerialWriter;
  #detachReader: (() => void) | undefined;
  #closeReason: BridgeError | undefined;
  readonly #closed: Promise<BridgeError>;
  #resolveClosed!: (reason: BridgeError) => void;
  readonly #requestTimeoutMs: number;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly options: ConnectionOptions = {},
  ) {
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 0;
    checkTimeout("requestTimeoutMs", this.#requestTimeoutMs);
    checkTimeout("drainOnInputEndMs", options.drainOnInputEndMs ?? 0);
    this.#writer = new SerialWriter(output, () =>
      this.#state === "closed"
        ? (this.#closeReason ?? new BridgeError("CONNECTION_CLOSED", "the connection was closed"))
        : undefined,
    );
    this.#closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    output.on("error", (err) => {
      if (options.closeWithStreams ?? true) this.close(err);
      else this.#report(err);
    });
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Resolves with the close reason once the connection is closed. */
  get closed(): Promise<BridgeError> {
    return this.#closed;
  }

  /** Number of outgoing requests awaiting a response. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Starts reading the input. new → open; calling it twice is an error. */
  open(): this {
    if (this.#state !== "new") {
      throw new BridgeError("INVALID_STATE", `cannot open a connection that is ${this.#state}`);
    }
    this.#state = "open";
    this.#detachReader = readJsonLines(
      this.input,
      {
        onValue: (value) => this.#dispatch(value),
        onError: (error) => this.#report(error),
        onEnd: () => {
          if (this.options.closeWithStreams ?? true) this.#closeWhenAnswered();
        },
      },
      this.options,
    );
    return this;
  }

  /** Sends a request and resolves with its result; rejects with {@link JsonRpcError} on an error response. */
  request(method: string, params?: unknown, options: RequestOptions = {}): Promise<unknown> {
    this.#assertOpen(method);
    const timeoutMs = options.timeoutMs ?? this.#requestTimeoutMs;
    checkTimeout("timeoutMs", timeoutMs);
    const { signal } = options;
    if (signal?.aborted) {
      return Promise.reject(abortError(method, signal));
    }
    const id = this.#nextId++;
    return new Promise<unknown>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => settle(() => reject(abortError(method, signal)), true);
      const settle = (fn: () => void, abandon: boolean) => {
        if (!this.#pending.delete(id)) return;
        if (timer) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        if (abandon) this.#rememberAbandoned(id);
        fn();
      };
      this.#pending.set(id, {
        method,
        resolve: (value) => settle(() => resolve(value), false),
        reject: (error) => settle(() => reject(error), false),
      });
      if (timeoutMs > 0) {
        timer = setTimeout(
          () =>
            settle(
              () =>
                reject(
                  new BridgeError("REQUEST_TIMEOUT", `${method} got no response within ${timeoutMs} ms`, {
                    details: { method, timeoutMs },
                  }),
                ),
              true,
            ),
          timeoutMs,
        );
        timer.unref();
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      const message: RequestMessage = params === undefined ? { id, method } : { id, method, params };
      this.#writer
        .write(encodeMessage(this.options.jsonrpcField ?? false, message))
        .catch((error: unknown) => {
          // An owner that closes the connection itself (a process: with its exit status) knows why the write
          // failed better than EPIPE does: the request stays pending until that close rejects it.
          if (this.options.closeWithStreams === false && this.#state !== "closed") return;
          settle(() => reject(asError(error)), false);
        });
    });
  }

  /** Sends a notification; resolves once it is handed to the output stream. */
  notify(method: string, params?: unknown): Promise<void> {
    this.#assertOpen(method);
    return this.#writer.write(
      encodeMessage(
        this.options.jsonrpcField ?? false,
        params === undefined ? { method } : { method, params },
      ),
    );
  }

  /**
   * Aborts the signal of the handler still answering incoming request `id`
   * (the peer no longer needs the answer). Its answer is still sent when the
   * handler settles; returns false when no such request is in flight.
   */
  abortIncoming(id: RequestId, reason?: unknown): boolean {
    const entry = this.#incoming.get(id);
    if (!entry) return false;
    entry.controller.abort(reason);
    return true;
  }

  /** Registers the one handler for incoming requests of `method`; returns an unregister function. */
  handle(method: string, handler: RequestHandler): () => void {
    if (this.#handlers.has(method)) {
      throw new BridgeError("INVALID_STATE", `a handler for ${method} is already registered`);
    }
    this.#handlers.set(method, handler);
    return () => {
      if (this.#handlers.get(method) === handler) this.#handlers.delete(method);
    };
  }

  /**
   * Gives up on an incoming request still being handled: its handler's
   * signal aborts and no response is ever sent for it (what MCP's
   * `notifications/cancelled` asks for). Returns false when no request with
   * that id is in flight (already answered, or never seen).
   */
  abandonIncoming(id: RequestId, reason?: unknown): boolean {
    const entry = this.#incoming.get(id);
    if (!entry || entry.abandoned) return false;
    entry.abandoned = true;
    entry.controller.abort(
      reason ?? new BridgeError("ABORTED", `the peer cancelled request ${JSON.stringify(id)}`),
    );
    return true;
  }

  /** Subscribes to incoming notifications; returns an unsubscribe function. */
  onNotification(listener: (notification: IncomingNotification) => void): () => void {
    this.#notificationListeners.add(listener);
    return () => this.#notificationListeners.delete(listener);
  }

  /** Subscribes to non-fatal problems: skipped lines, unmatched responses, handlers that threw. */
  onError(listener: (error: Error) => void): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  /** Called once with the close reason. Called at once if already closed. */
  onClose(listener: (reason: BridgeError) => void): () => void {
    if (this.#closeReason) {
      listener(this.#closeReason);
      return () => {};
    }
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /**
   * Closes the connection: every pending request rejects, in-flight handlers
   * are aborted, the output is ended. A {@link BridgeError} reason (such as
   * `PROCESS_EXITED`) is what pending requests reject with; any other reason
   * becomes the cause of a `CONNECTION_CLOSED` error. Idempotent.
   */
  close(reason?: unknown): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    const error =
      reason instanceof BridgeError
        ? reason
        : new BridgeError(
            "CONNECTION_CLOSED",
            reason === undefined
              ? "the connection was closed"
              : `the connection was closed: ${describe(reason)}`,
            reason === undefined ? {} : { cause: reason },
          );
    this.#closeReason = error;
    this.#detachReader?.();
    for (const entry of [...this.#pending.values()]) entry.reject(error);
    for (const controller of this.#inflight.values()) controller.abort(error);
    this.#inflight.clear();
    try {
      if (!this.output.writableEnded) this.output.end();
    } catch {
      // The output may already be destroyed; nothing left to flush.
    }
    for (const listener of this.#closeListeners) safeCall(() => listener(error));
    this.#closeListeners.clear();
    this.#resolveClosed(error);
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  #assertOpen(method: string): void {
    if (this.#state === "open") return;
    if (this.#state === "closed" && this.#closeReason) {
      throw new BridgeError(this.#closeReason.code, `cannot send ${method}: ${this.#closeReason.message}`, {
        cause: this.#closeReason,
        details: this.#closeReason.details,
      });
    }
    throw new BridgeError(
      "INVALID_STATE",
      `cannot send ${method}: the connection is not open yet (call open())`,
    );
  }

  #closeWhenAnswered(): void {
    const reason = new BridgeError("CONNECTION_CLOSED", "the peer closed its output stream");
    const drainMs = this.options.drainOnInputEndMs ?? 0;
    if (drainMs <= 0 || this.#inflight.size === 0) {
      this.close(reason);
      return;
    }
    const timer = setTimeout(() => this.close(reason), drainMs);
    void this.#closed.then(() => clearTimeout(timer));
    this.#drained = () => this.close(reason);
  }

  #dispatch(value: unknown): void {
    const incoming = classifyMessage(value);
    if (typeof incoming === "string") {
      this.#report(
        new BridgeError("PROTOCOL_ERROR", `skipped a message: ${incoming}`, { details: { value } }),
      );
      return;
    }
    switch (incoming.kind) {
      case "response":
        this.#onResponse(incoming.message);
        return;
      case "notification":
        for (const listener of this.#notificationListeners) {
          safeCall(
            () =>
              listener({
                method: incoming.message.method,
                params: incoming.message.params,
                raw: incoming.raw,
              }),
            (err) =>
              this.#report(
                new BridgeError("PROTOCOL_ERROR", `a listener of ${incoming.message.method} threw`, {
                  cause: err,
                }),
              ),
          );
        }
        return;
      case "request":
        void this.#onRequest(incoming.message);
        return;
    }
  }

  #onResponse(message: ResponseMessage): void {
    const id = message.id;
    const entry = id === null ? undefined : this.#pending.get(id);
    if (!entry) {
      if (id !== null && this.#abandoned.delete(id)) return; // late answer to a timed-out or aborted request
      this.#report(
        new BridgeError(
          "PROTOCOL_ERROR",
          `received a response for unknown request id ${JSON.stringify(id)}`,
          {
            details: { message },
          },
        ),
      );
      return;
    }
    if ("error" in message) {
      entry.reject(
        new JsonRpcError(message.error.code, message.error.message, {
          data: message.error.data,
          method: entry.method,
        }),
      );
    } else {
      entry.resolve(message.result);
    }
  }

  async #onRequest(message: RequestMessage): Promise<void> {
    const handler = this.#handlers.get(message.method);
    if (!handler) {
      await this.#respond({
        id: message.id,
        error: { code: RpcErrorCode.MethodNotFound, message: `no handler for ${message.method}` },
      });
      return;
    }
    const controller = new AbortController();
    const entry = { controller, abandoned: false };
    this.#inflight.add(controller);
    this.#incoming.set(message.id, entry);
    try {
      const result = await handler(message.params, {
        id: message.id,
        method: message.method,
        signal: controller.signal,
      });
      if (!entry.abandoned) await this.#respond({ id: message.id, result: result ?? null });
    } catch (err) {
      if (entry.abandoned) return;
      const error =
        err instanceof JsonRpcError
          ? { code: err.code, message: err.rpcMessage, ...(err.data === undefined ? {} : { data: err.data }) }
          : { code: RpcErrorCode.InternalError, message: describe(err) };
      if (!(err instanceof JsonRpcError)) {
        this.#report(
          new BridgeError("PROTOCOL_ERROR", `the handler for ${message.method} threw: ${describe(err)}`, {
            cause: err,
          }),
        );
      }
      await this.#respond({ id: message.id, error });
    } finally {
      this.#inflight.delete(controller);
      if (this.#incoming.get(message.id) === entry) this.#incoming.delete(message.id);
      if (this.#inflight.size === 0) this.#drained?.();
    }
  }

  async #respond(message: ResponseMessage): Promise<void> {
    if (this.#state !== "open") return;
    await this.#writer
      .write(encodeMessage(this.options.jsonrpcField ?? false, message))
      .catch((err: unknown) => this.#report(asError(err)));
  }

  #rememberAbandoned(id: RequestId): void {
    this.#abandoned.add(id);
    if (this.#abandoned.size > ABANDONED_IDS_KEPT) {
      const oldest = this.#abandoned.values().next().value;
      if (oldest !== undefined) this.#abandoned.delete(oldest);
    }
  }

  #report(error: Error): void {
    for (const listener of this.#errorListeners) safeCall(() => listener(error));
  }
}

function abortError(method: string, signal: AbortSignal | undefined): BridgeError {
  return new BridgeError("ABORTED", `${method} was aborted`, { cause: signal?.reason, details: { method } });
}

function checkTimeout(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new BridgeError(
      "INVALID_OPTION",
      `${name} must be a number of milliseconds >= 0, got ${String(value)}`,
    );
  }
}

function safeCall(fn: () => void, onError?: (err: unknown) => void): void {
  try {
    fn();
  } catch (err) {
    onError?.(err);
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
