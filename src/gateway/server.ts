/**
 * The gateway: a {@link Runtime} served to clients over JSON-RPC (stdio or
 * WebSocket; see ws.ts and stdio.ts). It owns the clients, the reaper and
 * the shutdown. A client that disconnects leaves its sessions running; a
 * session with no subscriber is closed after `graceMs` unless a client
 * subscribes again.
 */
import { BridgeError } from "../errors.js";
import type { Runtime } from "../runtime/runtime.js";
import { GATEWAY_CLOSE, GATEWAY_FEATURES, GATEWAY_NOTIFICATIONS } from "../runtime/wire.js";
import { type ClientLimits, GatewayClient, type GatewayTransport } from "./client.js";

export interface GatewayOptions {
  runtime: Runtime;
  /** How long a session without subscribers lives before it is closed. Default 600000 ms (10 min). */
  graceMs?: number;
  /** Bytes queued for one client past which it is disconnected (slow consumer). Default 16 MiB. */
  maxBufferedBytes?: number;
  /** Queued bytes that do not drain for this long disconnect the client. Default 30000 ms. */
  writeTimeoutMs?: number;
  /** Where the gateway's diagnostics go (secrets already redacted). Default: nowhere. */
  log?: (line: string) => void;
}

export const DEFAULT_GRACE_MS = 600_000;
export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
export const DEFAULT_WRITE_TIMEOUT_MS = 30_000;

export class GatewayServer {
  readonly runtime: Runtime;
  readonly #graceMs: number;
  readonly #limits: ClientLimits;
  readonly #log: (line: string) => void;
  readonly #clients = new Set<GatewayClient>();
  /** Sessions this gateway watches: subscriber count, and the reap timer while it is 0. */
  readonly #watched = new Map<string, { subscribers: number; timer: NodeJS.Timeout | undefined }>();
  #closing = false;

  constructor(options: GatewayOptions) {
    this.runtime = options.runtime;
    this.#graceMs = positive("graceMs", options.graceMs, DEFAULT_GRACE_MS);
    this.#limits = {
      maxBufferedBytes: positive("maxBufferedBytes", options.maxBufferedBytes, DEFAULT_MAX_BUFFERED_BYTES),
      writeTimeoutMs: positive("writeTimeoutMs", options.writeTimeoutMs, DEFAULT_WRITE_TIMEOUT_MS),
    };
    this.#log = options.log ?? (() => undefined);
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Accepts a client on `transport`: sends `gateway.ready`; call `dispose()` on the result when it goes away. */
  async accept(transport: GatewayTransport): Promise<GatewayClient> {
    if (this.#closing) {
      transport.close(GATEWAY_CLOSE.goingAway, "the gateway is shutting down");
      throw new BridgeError("INVALID_STATE", "the gateway is shutting down");
    }
    const client = new GatewayClient(
      transport,
      {
        context: () => ({
          runtime: this.runtime,
          opened: (sessionId) => this.#touch(sessionId, 0),
          health: () => this.health(),
        }),
        watch: (sessionId, delta) => this.#touch(sessionId, delta),
        shuttingDown: () => this.#closing,
        log: this.#log,
      },
      this.#limits,
    );
    this.#clients.add(client);
    const dispose = client.dispose.bind(client);
    client.dispose = () => {
      this.#clients.delete(client);
      dispose();
    };
    client.notify(GATEWAY_NOTIFICATIONS.ready, await this.health());
    return client;
  }

  /** The answer of `gateway.health` and the `gateway.ready` notification. */
  async health(): Promise<{
    version: string;
    codexVersion: string | null;
    capabilities: unknown;
    features: readonly string[];
  }> {
    const capabilities = await this.runtime.capabilities();
    return {
      version: capabilities.version,
      codexVersion: capabilities.codexVersion,
      capabilities,
      features: GATEWAY_FEATURES,
    };
  }

  /** Counts subscribers; at 0 the session's reap timer starts, above 0 it stops. */
  #touch(sessionId: string, delta: 0 | 1 | -1): void {
    if (this.#closing) return;
    let w = this.#watched.get(sessionId);
    if (!w) {
      w = { subscribers: 0, timer: undefined };
      this.#watched.set(sessionId, w);
    }
    w.subscribers = Math.max(0, w.subscribers + delta);
    clearTimeout(w.timer);
    w.timer = undefined;
    if (w.subscribers > 0) return;
    w.timer = setTimeout(() => {
      this.#watched.delete(sessionId);
      this.#log(`closing session ${sessionId}: no subscriber for ${this.#graceMs} ms`);
      this.runtime.closeSession(sessionId).catch((err: unknown) => {
        this.#log(`closing session ${sessionId} failed: ${err instanceof Error ? err.message : String(err)}`);
      });
    }, this.#graceMs);
    w.timer.unref();
  }

  /**
   * Shuts down: refuses new clients, lets running turns finish for up to
   * `turnGraceMs`, then closes the runtime (which interrupts what still
   * runs) and disconnects every client with 1001.
   */
  async close(turnGraceMs = 0): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    for (const w of this.#watched.values()) clearTimeout(w.timer);
    this.#watched.clear();
    const deadline = Date.now() + turnGraceMs;
    while (Date.now() < deadline) {
      const running = await this.runtime.listSessions().then(
        (sessions) => sessions.some((s) => s.status === "running"),
        () => false,
      );
      if (!running) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await this.runtime.close().catch((err: unknown) => {
      this.#log(`closing the runtime failed: ${err instanceof Error ? err.message : String(err)}`);
    });
    for (const client of [...this.#clients])
      client.close(GATEWAY_CLOSE.goingAway, "the gateway is shutting down");
  }
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isFinite(value) && value > 0)) {
    throw new BridgeError("INVALID_OPTION", `${name} must be a number > 0, got ${String(value)}`);
  }
  return value;
}
