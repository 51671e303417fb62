/**
 * `codex-bridge/client` in a browser: {@link RemoteRuntime}, the client of a
 * gateway (`codex-bridge serve`), with the runtime types and the wire names.
 * Imports nothing of Node (bundle it with Vite or any bundler); Node gets
 * `clientNode.ts`, the same API plus the `ws` and stdio transports.
 */
import { RemoteRuntime, type RemoteRuntimeOptions } from "./remote.js";
import { browserWebSocketTransport, type WebSocketConstructor } from "./transport.js";

export {
  type GatewayInfo,
  type ReconnectAttempt,
  type ReconnectOptions,
  type RemoteConnectionState,
  RemoteRuntime,
  type RemoteRuntimeOptions,
  type RemoteSubscription,
} from "./remote.js";
export type {
  PendingApproval,
  Runtime,
  RuntimeCapabilities,
  RuntimeEvent,
  SessionDetail,
  SessionStatus,
  SessionSummary,
  StartedTurn,
  StartSessionParams,
  StartTurnParams,
  SubscribeParams,
  Subscription,
} from "./runtime.js";
export {
  browserWebSocketTransport,
  type BrowserWebSocketOptions,
  GATEWAY_SUBPROTOCOL,
  type MessageTransport,
  TOKEN_SUBPROTOCOL_PREFIX,
  type TransportFactory,
  type TransportHandlers,
  type WebSocketConstructor,
  type WebSocketLike,
} from "./transport.js";
export { GATEWAY_CLOSE, GATEWAY_ERRORS, GATEWAY_METHODS, GATEWAY_NOTIFICATIONS } from "./wire.js";
export { BridgeError, type BridgeErrorCode, isBridgeError } from "../errors.js";

/** Options of {@link connect}: the runtime's, without the transport, plus the token. */
export interface ConnectOptions extends Omit<RemoteRuntimeOptions, "transport"> {
  /** The gateway's token (required unless it listens on loopback without one). */
  token?: string;
  /** The WebSocket constructor. Default: the browser's `WebSocket`. */
  WebSocket?: WebSocketConstructor;
}

/**
 * Connects to the gateway at `url` (`ws://HOST:PORT`) with the browser's
 * WebSocket; the token travels as the `codex-bridge.token.<token>` subprotocol.
 */
export function connect(url: string, options: ConnectOptions = {}): Promise<RemoteRuntime> {
  const { token, WebSocket, ...rest } = options;
  return RemoteRuntime.connect({
    ...rest,
    transport: browserWebSocketTransport(url, {
      ...(token ? { token } : {}),
      ...(WebSocket ? { WebSocket } : {}),
    }),
  });
}
