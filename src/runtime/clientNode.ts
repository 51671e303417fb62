/**
 * `codex-bridge/client` in Node: everything of the browser client
 * (`client.ts`), with {@link connect} over the `ws` package (the token as an
 * `Authorization: Bearer` header), and the stdio transports: a spawned
 * `codex-bridge serve --stdio`, or any pair of streams.
 */
import { readFileSync } from "node:fs";
import { BridgeError } from "../errors.js";
import { RemoteRuntime, type RemoteRuntimeOptions } from "./remote.js";
import {
  type StdioGatewayOptions,
  stdioGatewayTransport,
  wsTransport,
  type WsTransportOptions,
} from "./transportNode.js";

export * from "./client.js";
export {
  type StdioGatewayOptions,
  stdioGatewayTransport,
  streamTransport,
  wsTransport,
  type WsTransportOptions,
} from "./transportNode.js";

/** Options of {@link connect} in Node. */
export interface NodeConnectOptions
  extends Omit<RemoteRuntimeOptions, "transport">, Omit<WsTransportOptions, "token"> {
  /** The gateway's token. */
  token?: string;
  /** A file holding the token (surrounding whitespace ignored); instead of `token`. */
  tokenFile?: string;
}

/** Connects to the gateway at `url` (`ws://HOST:PORT` or `wss://…`) and waits for `gateway.ready`. */
export function connect(url: string, options: NodeConnectOptions = {}): Promise<RemoteRuntime> {
  const { token, tokenFile, headers, maxPayload, handshakeTimeoutMs, ...rest } = options;
  const secret = tokenFile === undefined ? token : readToken(tokenFile);
  return RemoteRuntime.connect({
    ...rest,
    transport: wsTransport(url, {
      ...(secret ? { token: secret } : {}),
      ...(headers ? { headers } : {}),
      ...(maxPayload ? { maxPayload } : {}),
      ...(handshakeTimeoutMs ? { handshakeTimeoutMs } : {}),
    }),
  });
}

/** Spawns `codex-bridge serve --stdio` (again on each reconnection) and connects to it. */
export function connectStdio(
  options: StdioGatewayOptions & Omit<RemoteRuntimeOptions, "transport"> = {},
): Promise<RemoteRuntime> {
  const { command, args, serveArgs, env, cwd, exitGraceMs, ...rest } = options;
  return RemoteRuntime.connect({
    ...rest,
    transport: stdioGatewayTransport({
      ...(command ? { command } : {}),
      ...(args ? { args } : {}),
      ...(serveArgs ? { serveArgs } : {}),
      ...(env ? { env } : {}),
      ...(cwd ? { cwd } : {}),
      ...(exitGraceMs !== undefined ? { exitGraceMs } : {}),
    }),
  });
}

/** Reads a token file; names the file when it cannot. */
export function readToken(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new BridgeError("INVALID_OPTION", `token file ${file}: ${(err as Error).message}`, { cause: err });
  }
  const token = text.trim();
  if (token === "") throw new BridgeError("INVALID_OPTION", `token file ${file} is empty`);
  return token;
}
