/**
 * `codex-bridge/gateway`: serve a {@link Runtime} (usually a `LocalRuntime`)
 * to clients over newline-delimited JSON-RPC, on a WebSocket or on a pair of
 * streams (stdio). The protocol is in docs/gateway.md; the wire names in
 * `GATEWAY_METHODS` / `GATEWAY_NOTIFICATIONS`.
 */
export {
  DEFAULT_GRACE_MS,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_WRITE_TIMEOUT_MS,
  type GatewayOptions,
  GatewayServer,
} from "./server.js";
export type { GatewayClient, GatewayTransport } from "./client.js";
export {
  GATEWAY_SUBPROTOCOL,
  type GatewayListener,
  listenWebSocket,
  type ListenOptions,
  TOKEN_SUBPROTOCOL_PREFIX,
} from "./ws.js";
export { DEFAULT_MAX_MESSAGE_BYTES, serveStdio, type StdioOptions } from "./stdio.js";
export { CONSOLE_CSP, serveStatic } from "./static.js";
export { GATEWAY_CLOSE, GATEWAY_ERRORS, GATEWAY_METHODS, GATEWAY_NOTIFICATIONS } from "../runtime/wire.js";
