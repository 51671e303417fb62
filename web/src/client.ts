/**
 * The page's only way to the gateway: `codex-bridge/client` (RemoteRuntime
 * over the browser's WebSocket; the token travels as a subprotocol entry,
 * never in the URL). Reconnection is the page's own (connection.ts), so every
 * view resumes from the cursor it holds; the client reports drops here.
 */
import { connect } from "../../src/runtime/client.js";
import type { Runtime } from "../../src/runtime/runtime.js";

export function connectGateway(
  url: string,
  token: string | null,
  onDropped: (runtime: Runtime, error: Error | null) => void,
): Promise<Runtime> {
  let runtime: Runtime | null = null;
  let early: Error | null | undefined;
  return connect(url, {
    ...(token ? { token } : {}),
    reconnect: false,
    onConnectionState: (state, error) => {
      if (state !== "closed") return;
      if (runtime) onDropped(runtime, error);
      else early = error;
    },
  }).then((r) => {
    runtime = r;
    if (early !== undefined) onDropped(r, early);
    return r;
  });
}
