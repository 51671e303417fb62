/**
 * The page's one connection to the gateway. It owns the `Runtime` (the
 * gateway client), shows its state, and when the connection drops it
 * reconnects with backoff; views subscribe again from their own cursors when
 * `generation` changes, so nothing is lost and nothing is shown twice.
 *
 * The token (when the gateway wants one) is asked once and kept in
 * sessionStorage: this tab only, gone when the tab closes, never in a URL.
 */
import type { Runtime, RuntimeCapabilities } from "../../src/runtime/runtime.js";
import { connectGateway } from "./client.js";

export type ConnectionStatus =
  /** First attempt under way. */
  | "connecting"
  | "open"
  /** It was open and dropped; trying again. */
  | "reconnecting"
  /** Never opened: the gateway is unreachable or wants a (different) token. */
  | "refused";

export interface ConnectionState {
  status: ConnectionStatus;
  /** Increments at every (re)connect: views resubscribe from their cursors. */
  generation: number;
  runtime: Runtime | null;
  capabilities: RuntimeCapabilities | null;
  /** Why the last attempt failed or the connection dropped. */
  error: string | null;
  /** Attempts since the last successful open. */
  attempts: number;
  hasToken: boolean;
}

const TOKEN_KEY = "codex-bridge.token";

/** The gateway's WebSocket address: the page's own origin (the gateway serves both). */
export function gatewayUrl(loc: Location = location): string {
  return `${loc.protocol === "https:" ? "wss:" : "ws:"}//${loc.host}/`;
}

export class Connection {
  #state: ConnectionState = {
    status: "connecting",
    generation: 0,
    runtime: null,
    capabilities: null,
    error: null,
    attempts: 0,
    hasToken: readToken() !== null,
  };
  #listeners = new Set<(s: ConnectionState) => void>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #connecting = false;
  #everOpen = false;
  readonly #url: string;

  constructor(url: string = gatewayUrl()) {
    this.#url = url;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  onChange(listener: (s: ConnectionState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    void this.#connect();
  }

  /** Stores the token for this tab and connects with it. */
  setToken(token: string): void {
    const t = token.trim();
    if (t === "") sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, t);
    this.#set({ hasToken: t !== "", attempts: 0 });
    this.retryNow();
  }

  retryNow(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    void this.#connect();
  }

  /**
   * A view saw the connection fail (a subscription ended with an error, a call
   * failed with a transport error). Reconnects unless already doing so.
   */
  dropped(runtime: Runtime, error: unknown): void {
    if (runtime !== this.#state.runtime) return;
    void runtime.close().catch(() => undefined);
    this.#set({ status: "reconnecting", runtime: null, error: message(error) });
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer) return;
    const delay = Math.min(5000, 250 * 2 ** Math.min(this.#state.attempts, 5));
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#connect();
    }, delay);
  }

  async #connect(): Promise<void> {
    if (this.#connecting || this.#state.runtime) return;
    this.#connecting = true;
    try {
      const runtime = await connectGateway(this.#url, readToken(), (rt, error) =>
        this.dropped(rt, error ?? new Error("the gateway closed the connection")),
      );
      const capabilities = await runtime.capabilities();
      this.#everOpen = true;
      this.#set({
        status: "open",
        runtime,
        capabilities,
        error: null,
        attempts: 0,
        generation: this.#state.generation + 1,
      });
    } catch (error) {
      this.#set({
        status: this.#everOpen ? "reconnecting" : "refused",
        error: message(error),
        attempts: this.#state.attempts + 1,
      });
      // Before the first open a refusal is most likely the token: wait for the person unless one is stored.
      if (this.#everOpen || readToken() !== null) this.#schedule();
    } finally {
      this.#connecting = false;
    }
  }

  #set(patch: Partial<ConnectionState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const l of [...this.#listeners]) l(this.#state);
  }
}

function readToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function message(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : "unknown error";
}
