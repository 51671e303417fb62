/**
 * The gateway over WebSocket (`ws`), on an HTTP server that also answers
 * `GET /healthz` and, given a directory, serves the web console files.
 *
 * Who may connect: a token, when set, is required (`Authorization: Bearer
 * <token>`, or for browsers, which cannot set headers on a WebSocket, the
 * subprotocol entry `codex-bridge.token.<token>` next to `codex-bridge`),
 * never in the URL; a wrong or missing one is refused with 401 before the
 * upgrade. A request with an Origin header (a browser) must come from the
 * gateway's own origin or an `allowOrigins` entry (403 otherwise: no
 * cross-site WebSocket hijacking). Bound to loopback, the Host header must
 * name a loopback host (421 otherwise: no DNS rebinding).
 */
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { BridgeError } from "../errors.js";
import { GATEWAY_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX } from "../runtime/transport.js";
import { GATEWAY_CLOSE } from "../runtime/wire.js";
import type { GatewayClient } from "./client.js";
import type { GatewayServer } from "./server.js";
import { serveStatic } from "./static.js";
import { DEFAULT_MAX_MESSAGE_BYTES } from "./stdio.js";

// One definition, shared with the client: the subprotocol a browser offers, and its token entry's prefix.
export { GATEWAY_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX };

export interface ListenOptions {
  /** Default 127.0.0.1. Anything but loopback requires `token`. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** The bearer token clients must send; required off loopback. */
  token?: string;
  /** Origins (e.g. `https://ui.example`) allowed besides the gateway's own. */
  allowOrigins?: string[];
  /** Largest frame accepted, in bytes; a larger one closes the connection (1009). Default 1 MiB. */
  maxMessageBytes?: number;
  /** The web console's directory, served at `/`. */
  staticDir?: string;
  /** Ping interval; a peer that misses a pong is dropped. Default 30000 ms. */
  heartbeatMs?: number;
}

export interface GatewayListener {
  /** `ws://host:port`. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections; those open stay (the gateway's close ends them). */
  stopAccepting(): void;
  /** Stops accepting and drops every connection. */
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Starts the HTTP + WebSocket listener of `gateway`. */
export async function listenWebSocket(
  gateway: GatewayServer,
  options: ListenOptions = {},
): Promise<GatewayListener> {
  const host = options.host ?? "127.0.0.1";
  const loopback = isLoopback(host);
  if (!loopback && !options.token) {
    throw new BridgeError(
      "INVALID_OPTION",
      `listening on ${host} (not loopback) requires a token: give --token-file`,
    );
  }
  const token = options.token ? Buffer.from(options.token) : null;
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const wss = new WebSocketServer({
    noServer: true,
    // Up to twice the bound a frame is read and refused with an error (the connection lives on); past that
    // ws closes the connection (1009) without reading it.
    maxPayload: 2 * maxMessageBytes,
    handleProtocols: (protocols) => (protocols.has(GATEWAY_SUBPROTOCOL) ? GATEWAY_SUBPROTOCOL : false),
  });
  let port = 0;
  const ownOrigins = () => {
    const names = loopback ? ["127.0.0.1", "localhost", "[::1]"] : [host.includes(":") ? `[${host}]` : host];
    return names.flatMap((n) => [`http://${n}:${port}`, `https://${n}:${port}`]);
  };
  const allowed = (origin: string) =>
    ownOrigins().includes(origin.toLowerCase()) ||
    (options.allowOrigins ?? []).some((o) => o.toLowerCase().replace(/\/$/, "") === origin.toLowerCase());
  const hostOk = (req: IncomingMessage) => {
    if (!loopback) return true;
    const name = (req.headers.host ?? "").replace(/:\d+$/, "");
    return isLoopback(name);
  };
  const authorized = (req: IncomingMessage) => {
    if (!token) return true;
    const header = req.headers.authorization ?? "";
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const offered = String(req.headers["sec-websocket-protocol"] ?? "")
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p.startsWith(TOKEN_SUBPROTOCOL_PREFIX))
      .map((p) => p.slice(TOKEN_SUBPROTOCOL_PREFIX.length));
    return [bearer, ...offered].some(
      (candidate) => candidate !== undefined && same(Buffer.from(candidate), token),
    );
  };

  const http = createServer((req, res) => {
    if (!hostOk(req)) return plain(res, 421, "misdirected request: use a loopback host name\n");
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (req.method === "GET" && path === "/healthz") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      return res.end(JSON.stringify({ ok: true, clients: gateway.clientCount }));
    }
    if (options.staticDir && (req.method === "GET" || req.method === "HEAD")) {
      return void serveStatic(options.staticDir, path, req, res);
    }
    plain(res, 404, "not found\n");
  });

  http.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => undefined);
    if (!hostOk(req)) return refuse(socket, 421, "Misdirected Request");
    const origin = req.headers.origin;
    if (origin !== undefined && !allowed(origin)) return refuse(socket, 403, "Forbidden");
    if (!authorized(req)) return refuse(socket, 401, "Unauthorized");
    wss.handleUpgrade(
      req,
      socket,
      head,
      (ws) => void connect(gateway, ws, { heartbeatMs: options.heartbeatMs ?? 30_000, maxMessageBytes }),
    );
  });

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port ?? 0, host, () => {
      http.off("error", reject);
      resolve();
    });
  });
  port = (http.address() as AddressInfo).port;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `ws://${shown}:${port}`,
    port,
    stopAccepting: () => {
      http.close();
    },
    close: async () => {
      for (const ws of wss.clients) ws.close(GATEWAY_CLOSE.goingAway, "the gateway is shutting down");
      const closed = new Promise<void>((resolve) => {
        if (!http.listening) return resolve();
        http.close(() => resolve());
      });
      // A moment for the close handshakes, then whatever is left is cut.
      const deadline = Date.now() + 1000;
      while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      http.closeAllConnections();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await closed;
    },
  };
}

async function connect(
  gateway: GatewayServer,
  ws: WebSocket,
  { heartbeatMs, maxMessageBytes }: { heartbeatMs: number; maxMessageBytes: number },
): Promise<void> {
  const deliver = (client: GatewayClient, data: Buffer, isBinary: boolean) => {
    if (isBinary) client.refuse("binary frames are not accepted: send each JSON-RPC message as a text frame");
    else if (data.length > maxMessageBytes)
      client.refuse(`message larger than ${maxMessageBytes} bytes: refused`);
    else client.receive(data.toString("utf8"));
  };
  let alive = true;
  const heartbeat = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, heartbeatMs);
  heartbeat.unref();
  ws.on("pong", () => {
    alive = true;
  });
  ws.on("error", () => undefined);
  const pending: Array<[Buffer, boolean]> = [];
  let client: GatewayClient | undefined;
  // Messages that arrive before the client is set up are kept in order.
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    if (client) deliver(client, data, isBinary);
    else pending.push([data, isBinary]);
  });
  ws.on("close", () => {
    clearInterval(heartbeat);
    client?.dispose();
  });
  try {
    client = await gateway.accept({
      send: (text) => {
        if (ws.readyState === ws.OPEN) ws.send(text);
      },
      bufferedBytes: () => ws.bufferedAmount,
      close: (code, reason) => {
        ws.close(code, reason);
        // A peer that never answers the close is dropped.
        setTimeout(() => ws.terminate(), 2000).unref();
      },
    });
  } catch {
    return;
  }
  if (ws.readyState !== ws.OPEN) return client.dispose();
  for (const [data, isBinary] of pending.splice(0)) deliver(client, data, isBinary);
}

function same(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(text);
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
