/**
 * The codex app-server client: the initialize handshake, typed requests,
 * notifications routed by thread, and server-to-client request handlers.
 * One client owns one process and can serve many threads.
 */
import type { z } from "zod";
import { BridgeError, JsonRpcError, RpcErrorCode } from "../errors.js";
import type { IncomingNotification, RequestHandler, RequestOptions } from "../jsonrpc/connection.js";
import { AsyncQueue } from "../util/asyncQueue.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../version.js";
import { AppServerProcess, type AppServerProcessOptions } from "./process.js";
import type {
  ClientMethod,
  ClientParams,
  ClientResults,
  InitializeResponse,
  ServerNotification,
  ServerRequestMethod,
  ServerRequestParams,
} from "./protocol/index.js";
import {
  accountResponseSchema,
  initializeResponseSchema,
  notificationThreadId,
  threadResponseSchema,
  turnStartResponseSchema,
  turnSteerResponseSchema,
} from "./protocol/schemas.js";

export interface OverloadRetryOptions {
  /** Attempts in all, the first included. Default 5. */
  maxAttempts?: number;
  /** First backoff delay. Default 100 ms; doubles per attempt, with jitter. */
  baseDelayMs?: number;
  /** Largest backoff delay. Default 2000 ms. */
  maxDelayMs?: number;
}

export interface CodexClientOptions extends AppServerProcessOptions {
  /** Sent in `initialize`. Default: this package's name and version. */
  clientInfo?: { name: string; title?: string; version: string };
  /** Opt into experimental methods and fields. Default false. */
  experimentalApi?: boolean;
  /** Notification methods codex should not send on this connection. Default none. */
  optOutNotificationMethods?: string[];
  /** Retry of requests answered -32001 (server overloaded). */
  overloadRetry?: OverloadRetryOptions;
  /**
   * Longest wait for codex to answer a request (a request can override it).
   * Default 120000 ms: a codex that stops answering fails the request with
   * REQUEST_TIMEOUT instead of leaving the caller waiting forever. 0: no limit.
   */
  requestTimeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

/** A server notification as delivered to subscribers. */
export type CodexNotification = ServerNotification & {
  /** The thread it belongs to, when it names one. */
  threadId: string | undefined;
  /** The message as received, unknown fields included. */
  raw: Record<string, unknown>;
};

export interface NotificationFilter {
  /** Only notifications of this thread. */
  threadId?: string;
  /** Only these methods. */
  methods?: readonly string[];
}

/** Validates a response against the fields the bridge reads; the full value is returned. */
function checked<T>(method: string, schema: z.ZodType, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new BridgeError(
      "PROTOCOL_ERROR",
      `${method} returned an unexpected result: ${parsed.error.message}`,
      {
        details: { method, value },
      },
    );
  }
  return value as T;
}

export class CodexClient {
  readonly process: AppServerProcess;
  #initialized: InitializeResponse | undefined;
  readonly #options: CodexClientOptions;
  readonly #queues = new Set<AsyncQueue<CodexNotification>>();
  readonly #listenerErrors = new Set<(error: Error) => void>();
  readonly #subscribers = new Set<{ listener: (n: CodexNotification) => void; filter: NotificationFilter }>();

  private constructor(process: AppServerProcess, options: CodexClientOptions) {
    this.process = process;
    this.#options = options;
    // One connection listener: each notification is converted once, whatever the number of subscribers.
    process.connection.onNotification((incoming) => {
      const notification = toCodexNotification(incoming);
      for (const sub of this.#subscribers) {
        if (!matches(notification, sub.filter)) continue;
        try {
          sub.listener(notification);
        } catch (err) {
          // One subscriber's failure must not keep the notification from the others.
          this.#listenerErrors.forEach((report) =>
            report(err instanceof Error ? err : new Error(String(err))),
          );
        }
      }
    });
    process.connection.onClose((reason) => {
      for (const queue of this.#queues) queue.end(reason.code === "CONNECTION_CLOSED" ? undefined : reason);
      this.#queues.clear();
    });
  }

  /** Spawns codex app-server without the handshake; call {@link initialize} next. */
  static async spawn(options: CodexClientOptions = {}): Promise<CodexClient> {
    validateRetry(options.overloadRetry);
    const requestTimeoutMs =
      options.requestTimeoutMs ?? options.connection?.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    if (!(Number.isFinite(requestTimeoutMs) && requestTimeoutMs >= 0)) {
      throw new BridgeError(
        "INVALID_OPTION",
        `requestTimeoutMs must be a number of ms >= 0, got ${String(options.requestTimeoutMs)}`,
      );
    }
    const process = await AppServerProcess.spawn({
      ...options,
      connection: { ...options.connection, requestTimeoutMs },
    });
    return new CodexClient(process, options);
  }

  /** Spawns codex app-server and completes the initialize handshake. */
  static async start(options: CodexClientOptions = {}): Promise<CodexClient> {
    const client = await CodexClient.spawn(options);
    try {
      await client.initialize();
      return client;
    } catch (err) {
      await client.close();
      throw err;
    }
  }

  /** The initialize result, once the handshake is done. */
  get serverInfo(): InitializeResponse | undefined {
    return this.#initialized;
  }

  /** `initialize` then the `initialized` notification. */
  async initialize(options: RequestOptions = {}): Promise<InitializeResponse> {
    const info = this.#options.clientInfo ?? { name: PACKAGE_NAME, version: PACKAGE_VERSION };
    const result = checked<InitializeResponse>(
      "initialize",
      initializeResponseSchema,
      await this.request(
        "initialize",
        {
          clientInfo: { name: info.name, title: info.title ?? null, version: info.version },
          capabilities: {
            experimentalApi: this.#options.experimentalApi ?? false,
            requestAttestation: false,
            ...(this.#options.optOutNotificationMethods
              ? { optOutNotificationMethods: this.#options.optOutNotificationMethods }
              : {}),
          },
        },
        options,
      ),
    );
    await this.process.connection.notify("initialized");
    this.#initialized = result;
    return result;
  }

  /**
   * Sends a request. -32001 (overloaded) is retried with backoff and jitter;
   * "not initialized" / "already initialized" become typed {@link BridgeError}s;
   * other error responses reject with {@link JsonRpcError}.
   */
  async request<M extends ClientMethod>(
    method: M,
    params: ClientParams<M>,
    options: RequestOptions = {},
  ): Promise<ClientResults[M]> {
    const retry = this.#options.overloadRetry ?? {};
    const maxAttempts = retry.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.process.connection.request(method, params, options)) as ClientResults[M];
      } catch (err) {
        if (!(err instanceof JsonRpcError)) throw err;
        if (err.code === RpcErrorCode.ServerOverloaded) {
          if (attempt >= maxAttempts) {
            throw new BridgeError(
              "SERVER_OVERLOADED",
              `${method}: codex app-server stayed overloaded after ${attempt} attempts`,
              { cause: err, details: { method, attempts: attempt } },
            );
          }
          await backoff(attempt, retry, options.signal);
          continue;
        }
        throw mapRpcError(err);
      }
    }
  }

  /** A request whose result is checked for the fields the bridge reads (see schemas.ts). */
  async #checkedRequest<M extends ClientMethod>(
    method: M,
    schema: z.ZodType,
    params: ClientParams<M>,
    options: RequestOptions | undefined,
  ): Promise<ClientResults[M]> {
    return checked<ClientResults[M]>(method, schema, await this.request(method, params, options));
  }

  threadStart(params: ClientParams<"thread/start">, options?: RequestOptions) {
    return this.#checkedRequest("thread/start", threadResponseSchema, params, options);
  }

  threadResume(params: ClientParams<"thread/resume">, options?: RequestOptions) {
    return this.#checkedRequest("thread/resume", threadResponseSchema, params, options);
  }

  threadFork(params: ClientParams<"thread/fork">, options?: RequestOptions) {
    return this.#checkedRequest("thread/fork", threadResponseSchema, params, options);
  }

  threadUnsubscribe(params: ClientParams<"thread/unsubscribe">, options?: RequestOptions) {
    return this.request("thread/unsubscribe", params, options);
  }

  turnStart(params: ClientParams<"turn/start">, options?: RequestOptions) {
    return this.#checkedRequest("turn/start", turnStartResponseSchema, params, options);
  }

  turnInterrupt(params: ClientParams<"turn/interrupt">, options?: RequestOptions) {
    return this.request("turn/interrupt", params, options);
  }

  turnSteer(params: ClientParams<"turn/steer">, options?: RequestOptions) {
    return this.#checkedRequest("turn/steer", turnSteerResponseSchema, params, options);
  }

  reviewStart(params: ClientParams<"review/start">, options?: RequestOptions) {
    return this.request("review/start", params, options);
  }

  pluginList(params: ClientParams<"plugin/list"> = {}, options?: RequestOptions) {
    return this.request("plugin/list", params, options);
  }

  accountRead(params: ClientParams<"account/read"> = {}, options?: RequestOptions) {
    return this.#checkedRequest("account/read", accountResponseSchema, params, options);
  }

  mcpServerStatusList(params: ClientParams<"mcpServerStatus/list"> = {}, options?: RequestOptions) {
    return this.request("mcpServerStatus/list", params, options);
  }

  configRead(params: ClientParams<"config/read"> = { includeLayers: false }, options?: RequestOptions) {
    return this.request("config/read", params, options);
  }

  modelList(params: ClientParams<"model/list"> = {}, options?: RequestOptions) {
    return this.request("model/list", params, options);
  }

  /** Subscribes to server notifications, optionally filtered; returns an unsubscribe function. */
  onNotification(
    listener: (notification: CodexNotification) => void,
    filter: NotificationFilter = {},
  ): () => void {
    const sub = { listener, filter };
    this.#subscribers.add(sub);
    return () => this.#subscribers.delete(sub);
  }

  /**
   * Server notifications as an async iterable, optionally filtered. Ends when
   * the connection closes (throwing if it closed for a reason other than a
   * clean close) or when `signal` aborts; leaving the loop unsubscribes.
   */
  notifications(
    filter: NotificationFilter & { signal?: AbortSignal } = {},
  ): AsyncIterableIterator<CodexNotification> {
    const { signal } = filter;
    let unsubscribe = () => {};
    const onAbort = () => queue.end();
    const queue: AsyncQueue<CodexNotification> = new AsyncQueue(() => {
      unsubscribe();
      signal?.removeEventListener("abort", onAbort);
      this.#queues.delete(queue);
    });
    if (this.process.connection.state === "closed" || signal?.aborted) {
      queue.end();
      return queue;
    }
    this.#queues.add(queue);
    unsubscribe = this.onNotification((n) => queue.push(n), filter);
    signal?.addEventListener("abort", onAbort, { once: true });
    return queue;
  }

  /** Registers the one handler of a server-to-client request method; returns an unregister function. */
  handleServerRequest<M extends ServerRequestMethod>(
    method: M,
    handler: (params: ServerRequestParams<M>, context: Parameters<RequestHandler>[1]) => unknown,
  ): () => void {
    return this.process.connection.handle(method, handler as RequestHandler);
  }

  /** Subscribes to non-fatal protocol problems (skipped lines, handler failures). */
  onError(listener: (error: Error) => void): () => void {
    this.#listenerErrors.add(listener);
    const off = this.process.connection.onError(listener);
    return () => {
      this.#listenerErrors.delete(listener);
      off();
    };
  }

  /** Shuts the process down (see {@link AppServerProcess.close}). */
  async close(options: { force?: boolean } = {}): Promise<void> {
    await this.process.close(options);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function toCodexNotification(incoming: IncomingNotification): CodexNotification {
  return {
    method: incoming.method,
    params: incoming.params,
    threadId: notificationThreadId(incoming.params),
    raw: incoming.raw,
  } as CodexNotification;
}

function matches(notification: CodexNotification, filter: NotificationFilter): boolean {
  if (filter.threadId !== undefined && notification.threadId !== filter.threadId) return false;
  if (filter.methods && !filter.methods.includes(notification.method)) return false;
  return true;
}

function mapRpcError(err: JsonRpcError): Error {
  if (err.code === RpcErrorCode.InvalidRequest) {
    if (/not initialized/i.test(err.rpcMessage)) {
      return new BridgeError(
        "NOT_INITIALIZED",
        `${err.method ?? "request"} was sent before initialize: call initialize() first`,
        { cause: err },
      );
    }
    if (/already initialized/i.test(err.rpcMessage)) {
      return new BridgeError("ALREADY_INITIALIZED", "initialize was sent twice on one connection", {
        cause: err,
      });
    }
  }
  return err;
}

async function backoff(attempt: number, retry: OverloadRetryOptions, signal: AbortSignal | undefined) {
  const base = retry.baseDelayMs ?? 100;
  const max = retry.maxDelayMs ?? 2000;
  const ceiling = Math.min(max, base * 2 ** (attempt - 1));
  const delay = ceiling / 2 + Math.random() * (ceiling / 2);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, delay);
    const onAbort = () => {
      clearTimeout(timer);
      reject(
        new BridgeError("ABORTED", "aborted while waiting to retry an overloaded request", {
          cause: signal?.reason,
        }),
      );
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function validateRetry(retry: OverloadRetryOptions | undefined): void {
  if (!retry) return;
  for (const [name, value] of Object.entries(retry)) {
    if (value !== undefined && (!Number.isFinite(value) || value < (name === "maxAttempts" ? 1 : 0))) {
      throw new BridgeError(
        "INVALID_OPTION",
        `overloadRetry.${name} must be a number >= ${name === "maxAttempts" ? 1 : 0}, got ${String(value)}`,
      );
    }
  }
}
