/**
 * How {@link RemoteRuntime} reaches a gateway: a message transport carries
 * whole JSON-RPC messages (one WebSocket text frame, or one line of stdio).
 * This module imports nothing of Node: the browser client uses it. The Node
 * transports (the `ws` package, stdio, a spawned `codex-bridge serve --stdio`)
 * live in `transportNode.ts`.
 */
import { BridgeError } from "../errors.js";
import { GATEWAY_CLOSE } from "./wire.js";

/** What a transport reports to its owner. Each is called from the transport's own events. */
export interface TransportHandlers {
  /** One parsed incoming message. */
  message(value: unknown): void;
  /** An incoming frame that was not JSON (or a binary frame): reported, skipped, the connection kept. */
  invalid(error: BridgeError): void;
  /** The connection ended; called once, with why. */
  closed(error: BridgeError): void;
}

/** An open connection to a gateway. */
export interface MessageTransport {
  /** Sends one message (already serialized JSON). Throws CONNECTION_CLOSED once closed. */
  send(text: string): void;
  /** Closes the connection (and ends a gateway process the transport started); `closed` is reported once. */
  close(): void | Promise<void>;
}

/**
 * Opens a connection and reports to `handlers` from the first frame on.
 * Rejects when the connection cannot be opened: a refused token rejects with
 * `AUTH_REQUIRED`, which a reconnecting runtime does not retry.
 */
export type TransportFactory = (handlers: TransportHandlers) => Promise<MessageTransport>;

/** The part of the browser's `WebSocket` a transport uses (the DOM lib is not in this package's types). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open", listener: () => void): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(type: "error", listener: (event: unknown) => void): void;
  addEventListener(type: "close", listener: (event: { code: number; reason: string }) => void): void;
}

/** A `WebSocket` constructor: the browser's, or one that behaves like it. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** The subprotocol a browser offers (the gateway selects it). */
export const GATEWAY_SUBPROTOCOL = "codex-bridge";
/**
 * Prefix of the subprotocol entry that carries the token where a client
 * cannot set an `Authorization` header (a browser's `WebSocket`):
 * `codex-bridge.token.<token>`, offered next to {@link GATEWAY_SUBPROTOCOL}.
 */
export const TOKEN_SUBPROTOCOL_PREFIX = "codex-bridge.token.";

export interface BrowserWebSocketOptions {
  /** The gateway's token, sent as the `codex-bridge.token.<token>` subprotocol. */
  token?: string;
  /** The constructor to use. Default: `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructor;
}

const OPEN = 1;

/** A transport over the browser's `WebSocket` (or any constructor that behaves like it). */
export function browserWebSocketTransport(
  url: string,
  options: BrowserWebSocketOptions = {},
): TransportFactory {
  const Ctor =
    options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket ?? undefined;
  if (!Ctor) {
    throw new BridgeError(
      "UNSUPPORTED",
      "no WebSocket in this environment: pass options.WebSocket, or use codex-bridge/client in Node (it uses the ws package)",
    );
  }
  const protocols = [GATEWAY_SUBPROTOCOL, ...(options.token ? [tokenSubprotocol(options.token)] : [])];
  return (handlers) =>
    new Promise((resolve, reject) => {
      let opened = false;
      let ended = false;
      const socket = new Ctor(url, protocols);
      const end = (error: BridgeError) => {
        if (ended) return;
        ended = true;
        if (opened) handlers.closed(error);
        else reject(error);
      };
      socket.addEventListener("open", () => {
        opened = true;
        resolve({
          send(text) {
            if (ended || socket.readyState !== OPEN) {
              throw new BridgeError("CONNECTION_CLOSED", `the connection to the gateway at ${url} is closed`);
            }
            socket.send(text);
          },
          close() {
            socket.close(1000, "client closed");
          },
        });
      });
      socket.addEventListener("message", (event) => {
        if (typeof event.data !== "string") {
          handlers.invalid(
            new BridgeError("PROTOCOL_ERROR", "the gateway sent a binary frame; it was skipped"),
          );
          return;
        }
        deliverText(event.data, handlers);
      });
      // A browser tells nothing about why an open failed (a refused token is a failed handshake).
      socket.addEventListener("error", () => undefined);
      socket.addEventListener("close", (event) => {
        end(
          opened
            ? closeError(url, event.code, event.reason)
            : new BridgeError(
                "CONNECTION_CLOSED",
                `could not connect to the gateway at ${url} (close code ${event.code}): is it running, and is the token right?`,
              ),
        );
      });
    });
}

/** The subprotocol that carries `token`; refuses a token a subprotocol cannot carry. */
export function tokenSubprotocol(token: string): string {
  if (!/^[A-Za-z0-9._~-]+$/.test(token)) {
    throw new BridgeError(
      "INVALID_OPTION",
      "token: a browser can send only a token of letters, digits and . _ ~ - (the gateway generates such tokens)",
    );
  }
  return `${TOKEN_SUBPROTOCOL_PREFIX}${token}`;
}

/** Parses one text frame and hands it on; a frame that is not JSON is reported and skipped. */
export function deliverText(text: string, handlers: TransportHandlers): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const preview = text.length > 120 ? `${text.slice(0, 120)}…` : text;
    handlers.invalid(
      new BridgeError("PROTOCOL_ERROR", `the gateway sent a frame that is not JSON: ${preview}`),
    );
    return;
  }
  handlers.message(value);
}

/** Why a WebSocket to the gateway closed, as an error; a slow-consumer close says to reattach. */
export function closeError(url: string, code: number, reason: string): BridgeError {
  const why = reason ? `: ${reason}` : "";
  if (code === GATEWAY_CLOSE.slowConsumer) {
    return new BridgeError(
      "SERVER_OVERLOADED",
      `the gateway at ${url} disconnected this client for reading too slowly (close ${code}${why}); reattach from the last seq`,
      { details: { closeCode: code, closeReason: reason } },
    );
  }
  return new BridgeError(
    "CONNECTION_CLOSED",
    `the connection to the gateway at ${url} closed (code ${code}${why})`,
    {
      details: { closeCode: code, closeReason: reason },
    },
  );
}
