/**
 * The JSON-RPC client side of a gateway connection, over any
 * {@link TransportFactory}: requests with ids and a default timeout,
 * responses matched by id, notifications handed to the owner, `gateway.ready`
 * awaited on every connect, and (when asked) reconnection with backoff. On a
 * drop, a request that may have run is rejected (the caller decides), a
 * read-only one is sent again on the next connection. Browser-safe.
 */
import { z } from "zod";
import { BridgeError } from "../errors.js";
import { classifyMessage, type RequestId } from "../jsonrpc/messages.js";
import { errorFromWire } from "./remoteErrors.js";
import type { RuntimeCapabilities } from "./runtime.js";
import type { MessageTransport, TransportFactory } from "./transport.js";
import { GATEWAY_NOTIFICATIONS } from "./wire.js";

/** What the gateway says about itself in `gateway.ready` (and `gateway.health`). */
export interface GatewayInfo {
  version: string;
  codexVersion: string | null;
  capabilities: RuntimeCapabilities;
  /** The protocol features it speaks (wire.ts GATEWAY_FEATURES); empty for a gateway that lists none. */
  features: readonly string[];
}

/** Reconnection after a dropped connection: exponential backoff from `initialDelayMs` to `maxDelayMs`. */
export interface ReconnectOptions {
  /** Default 100 ms. */
  initialDelayMs?: number;
  /** Default 5,000 ms. */
  maxDelayMs?: number;
  /** Attempts before giving up (then subscriptions end with the last error). Default 20. */
  maxAttempts?: number;
}

export interface GatewayConnectionOptions {
  /** Opens one connection; called again for each reconnection. */
  transport: TransportFactory;
  /** Default per-request timeout in ms (turn.wait has none); 0 = none. Default 120,000. */
  requestTimeoutMs?: number;
  /** How long to wait for `gateway.ready` after the transport opens. Default 30,000 ms. */
  readyTimeoutMs?: number;
  /** Reconnect after a drop (`true` = the defaults of {@link ReconnectOptions}). Default false. */
  reconnect?: boolean | ReconnectOptions;
}

/** What the connection tells its owner. */
export interface ConnectionEvents {
  notification(method: string, params: unknown): void;
  /** The current connection dropped; `reconnecting` says whether another one is being made. */
  dropped(error: BridgeError, reconnecting: boolean): void;
  /** Reconnection attempt `attempt` of `maxAttempts` is about to be made; `lastError` is why the last one failed. */
  retrying?(attempt: number, maxAttempts: number, lastError: BridgeError): void;
  /** A new connection is up after a drop; requests sent from here go out first (resubscribe now). */
  reconnected(info: GatewayInfo): Promise<void>;
  /** The connection ended for good: `null` when closed by its owner. */
  ended(error: BridgeError | null): void;
}

export interface RequestOptions {
  /** Overrides the default timeout; 0 = none. */
  timeoutMs?: number;
  /** Safe to send again on a new connection when the old one dropped before the answer (reads, waits). */
  retry?: boolean;
}

interface Link {
  transport: MessageTransport;
  info: GatewayInfo;
}

interface Pending {
  method: string;
  params: unknown;
  retry: boolean;
  /** The link it went out on; null = not sent yet (waiting for a connection). */
  sentOn: Link | null;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const readySchema = z.looseObject({
  version: z.string(),
  codexVersion: z.string().nullable().optional(),
  capabilities: z.looseObject({}),
  features: z.array(z.string()).optional(),
});

const NOT_RETRIED = new Set(["AUTH_REQUIRED", "INVALID_OPTION", "UNSUPPORTED"]);

export class GatewayConnection {
  #link: Link | null = null;
  #nextId = 0;
  readonly #pending = new Map<RequestId, Pending>();
  #ended = false;
  #stopReconnect: (() => void) | undefined;
  readonly #requestTimeoutMs: number;
  readonly #readyTimeoutMs: number;
  readonly #reconnect: Required<ReconnectOptions> | null;

  private constructor(
    private readonly options: GatewayConnectionOptions,
    private readonly events: ConnectionEvents,
  ) {
    this.#requestTimeoutMs = nonNegative("requestTimeoutMs", options.requestTimeoutMs ?? 120_000);
    this.#readyTimeoutMs = nonNegative("readyTimeoutMs", options.readyTimeoutMs ?? 30_000);
    const r = options.reconnect;
    this.#reconnect = r
      ? {
          initialDelayMs: nonNegative(
            "reconnect.initialDelayMs",
            (r === true ? undefined : r.initialDelayMs) ?? 100,
          ),
          maxDelayMs: nonNegative("reconnect.maxDelayMs", (r === true ? undefined : r.maxDelayMs) ?? 5_000),
          maxAttempts: nonNegative("reconnect.maxAttempts", (r === true ? undefined : r.maxAttempts) ?? 20),
        }
      : null;
  }

  /** Connects and waits for `gateway.ready`. */
  static async open(options: GatewayConnectionOptions, events: ConnectionEvents): Promise<GatewayConnection> {
    const connection = new GatewayConnection(options, events);
    connection.#link = await connection.#establish();
    return connection;
  }

  /** The gateway's `gateway.ready` of the current (or last) connection. */
  get info(): GatewayInfo | null {
    return this.#link?.info ?? this.#lastInfo;
  }
  #lastInfo: GatewayInfo | null = null;

  get connected(): boolean {
    return this.#link !== null;
  }

  request<T>(method: string, params: unknown, options: RequestOptions = {}): Promise<T> {
    if (this.#ended) {
      return Promise.reject(new BridgeError("CONNECTION_CLOSED", `${method}: the remote runtime is closed`));
    }
    return new Promise<T>((resolve, reject) => {
      const id = ++this.#nextId;
      const timeoutMs = options.timeoutMs ?? this.#requestTimeoutMs;
      const pending: Pending = {
        method,
        params,
        retry: options.retry === true,
        sentOn: null,
        resolve: resolve,
        reject,
        timer:
          timeoutMs > 0
            ? setTimeout(() => {
                this.#pending.delete(id);
                reject(
                  new BridgeError(
                    "REQUEST_TIMEOUT",
                    `${method}: the gateway did not answer within ${timeoutMs} ms`,
                  ),
                );
              }, timeoutMs)
            : undefined,
      };
      this.#pending.set(id, pending);
      if (this.#link) this.#send(id, pending, this.#link);
    });
  }

  /** Closes the connection: pending requests reject, no reconnection follows. */
  async close(): Promise<void> {
    if (this.#ended) return this.#closing;
    this.#ended = true;
    this.#stopReconnect?.();
    const link = this.#link;
    this.#link = null;
    this.#rejectAll(() => new BridgeError("CONNECTION_CLOSED", "the remote runtime was closed"));
    this.events.ended(null);
    this.#closing = Promise.resolve(link?.transport.close()).catch(() => undefined);
    return this.#closing;
  }
  #closing: Promise<void> = Promise.resolve();

  #send(id: RequestId, pending: Pending, link: Link): void {
    pending.sentOn = link;
    try {
      link.transport.send(
        JSON.stringify({ jsonrpc: "2.0", id, method: pending.method, params: pending.params }),
      );
    } catch {
      // The transport is closing: its `closed` report settles this request.
    }
  }

  async #establish(): Promise<Link> {
    let link: Link | null = null;
    let settle: { resolve(info: GatewayInfo): void; reject(error: BridgeError): void } | undefined;
    const ready = new Promise<GatewayInfo>((resolve, reject) => {
      settle = { resolve, reject };
    });
    const transport = await this.options.transport({
      message: (value) => {
        if (link) return this.#onMessage(link, value);
        const info = readyFrom(value);
        if (info) settle?.resolve(info);
      },
      invalid: () => {
        // A frame that is not JSON-RPC is skipped; the connection stays (as the gateway does for ours).
      },
      closed: (error) => {
        if (link) this.#onDropped(link, error);
        else settle?.reject(error);
      },
    });
    const timer = setTimeout(
      () =>
        settle?.reject(
          new BridgeError(
            "REQUEST_TIMEOUT",
            `the gateway did not send gateway.ready within ${this.#readyTimeoutMs} ms of connecting`,
          ),
        ),
      this.#readyTimeoutMs,
    );
    try {
      const info = await ready;
      link = { transport, info };
      this.#lastInfo = info;
      return link;
    } catch (err) {
      await Promise.resolve(transport.close()).catch(() => undefined);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  #onMessage(link: Link, value: unknown): void {
    if (link !== this.#link) return;
    const message = classifyMessage(value);
    if (typeof message === "string") return;
    if (message.kind === "notification") {
      this.events.notification(message.message.method, message.message.params);
      return;
    }
    if (message.kind === "request") {
      // The gateway asks nothing of its clients; an answer keeps a confused peer from waiting.
      link.transport.send(
        JSON.stringify({
          jsonrpc: "2.0",
          id: message.message.id,
          error: { code: -32601, message: `the client handles no requests (${message.message.method})` },
        }),
      );
      return;
    }
    const response = message.message;
    if (response.id === null) return;
    const pending = this.#pending.get(response.id);
    if (!pending || pending.sentOn !== link) return;
    this.#pending.delete(response.id);
    clearTimeout(pending.timer);
    if ("error" in response) pending.reject(errorFromWire(pending.method, response.error));
    else pending.resolve(response.result);
  }

  #onDropped(link: Link, error: BridgeError): void {
    if (link !== this.#link || this.#ended) return;
    this.#link = null;
    const reconnecting = this.#reconnect !== null && !NOT_RETRIED.has(error.code);
    for (const [id, pending] of this.#pending) {
      if (pending.sentOn !== link) continue;
      if (reconnecting && pending.retry) {
        pending.sentOn = null;
        continue;
      }
      this.#pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(
        new BridgeError(
          "CONNECTION_CLOSED",
          `${pending.method}: the connection to the gateway dropped before the answer (it may have run): ${error.message}`,
          { cause: error },
        ),
      );
    }
    this.events.dropped(error, reconnecting);
    if (reconnecting) void this.#reconnectLoop(error);
    else this.#end(error);
  }

  async #reconnectLoop(firstError: BridgeError): Promise<void> {
    const policy = this.#reconnect;
    if (!policy) return;
    let delay = policy.initialDelayMs;
    let lastError = firstError;
    for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
      if (!(await this.#sleep(delay))) return;
      delay = Math.min(policy.maxDelayMs, Math.max(1, delay * 2));
      this.events.retrying?.(attempt, policy.maxAttempts, lastError);
      let link: Link;
      try {
        link = await this.#establish();
      } catch (err) {
        lastError = err instanceof BridgeError ? err : new BridgeError("CONNECTION_CLOSED", String(err));
        if (NOT_RETRIED.has(lastError.code)) break;
        continue;
      }
      if (this.#ended) {
        await Promise.resolve(link.transport.close()).catch(() => undefined);
        return;
      }
      this.#link = link;
      await this.events.reconnected(link.info);
      if (this.#link !== link) return; // dropped again while resubscribing: that drop reconnects
      for (const [id, pending] of this.#pending) if (pending.sentOn === null) this.#send(id, pending, link);
      return;
    }
    this.#end(
      new BridgeError(
        lastError.code,
        `gave up reconnecting to the gateway after ${policy.maxAttempts} attempts: ${lastError.message}`,
        { cause: lastError },
      ),
    );
  }

  #sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#stopReconnect = undefined;
        resolve(!this.#ended);
      }, ms);
      this.#stopReconnect = () => {
        clearTimeout(timer);
        resolve(false);
      };
    });
  }

  #end(error: BridgeError): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#rejectAll(
      (p) =>
        new BridgeError(error.code, `${p.method}: ${error.message}`, {
          cause: error,
          details: error.details,
        }),
    );
    this.events.ended(error);
  }

  #rejectAll(make: (pending: Pending) => BridgeError): void {
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(make(pending));
    }
    this.#pending.clear();
  }
}

function readyFrom(value: unknown): GatewayInfo | null {
  const message = classifyMessage(value);
  if (typeof message === "string" || message.kind !== "notification") return null;
  if (message.message.method !== GATEWAY_NOTIFICATIONS.ready) return null;
  const parsed = readySchema.safeParse(message.message.params);
  if (!parsed.success) return null;
  return {
    version: parsed.data.version,
    codexVersion: parsed.data.codexVersion ?? null,
    capabilities: parsed.data.capabilities as unknown as RuntimeCapabilities,
    features: parsed.data.features ?? [],
  };
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new BridgeError("INVALID_OPTION", `${name} must be a number ≥ 0, got ${String(value)}`);
  }
  return value;
}
