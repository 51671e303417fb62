/**
 * The page's only way to the gateway: `codex-bridge/client` (RemoteRuntime
 * over the browser's WebSocket, the token as a subprotocol, never in the URL).
 */
import type { Runtime } from "../../src/runtime/runtime.js";

export function connectGateway(url: string, token: string | null): Promise<Runtime> {
  return Promise.reject(new Error(`no gateway client yet (${url}, token ${token ? "set" : "unset"})`));
}
