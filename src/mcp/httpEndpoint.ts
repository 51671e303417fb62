/**
 * The bridge's tools served from the host's own process over MCP streamable
 * HTTP, on 127.0.0.1: one listener for every thread, instead of one
 * `mcp-serve` process per thread. Each thread reaches it with its own
 * secret (`Authorization: Bearer <secret>`, injected per thread through
 * `thread/start.config` `http_headers`); the bridge maps the secret to the
 * thread's identity, so a thread can neither leak nor forge another's.
 *
 * The transport is the stateless subset of streamable HTTP: every POST
 * carries JSON-RPC and gets a JSON answer (202 for notifications), no
 * server-sent events, no session ids. That is what codex's client needs, and
 * it keeps the SDK (~120 ms to load) out of the host process.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BridgeError } from "../errors.js";
import type { ToolCaller, ToolEndpointListener, ToolEndpointProvider } from "../toolServerSpec.js";
import { HTTP_TOOL_SERVER_NAME } from "../toolServerSpec.js";
import { PACKAGE_VERSION } from "../version.js";
import type { BrandedTool } from "./defineTool.js";
import { createToolHandlers, type ToolHandlers } from "./handlers.js";
import { MCP_PROTOCOL_VERSIONS } from "./stdioServer.js";
import { loadToolSet } from "./toolSet.js";

/** The largest request body accepted (a tools/call's arguments). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface HttpToolEndpointOptions {
  /** Serve the built-in tools. Default true. */
  builtins?: boolean;
  /** Host tools given as objects; they run in this process. */
  tools?: BrandedTool[];
  /** The bridge config whose `[tools] modules` are served; `false` for none. Default `$CODEX_BRIDGE_HOME/config.toml`. */
  configPath?: string | false;
  /** Per-module load limit (ms). Default the config's `module_timeout_ms`, else 5000. */
  moduleTimeoutMs?: number;
  /** Problems worth a log line (a module that did not load, a tool that threw). Default: dropped. */
  log?: (line: string) => void;
}

/**
 * A {@link ToolEndpointProvider} for `new CodexBridge({ toolServer: { endpoint } })`:
 * the built-in tools, the bridge config's host modules and `tools`, served
 * over streamable HTTP on 127.0.0.1 (an ephemeral port) from this process.
 */
export function httpToolEndpoint(options: HttpToolEndpointOptions = {}): ToolEndpointProvider {
  return {
    async listen({ identify, modules }) {
      const registry = await loadToolSet({
        ...(options.builtins === false ? { builtins: false } : {}),
        ...(options.tools ? { tools: options.tools } : {}),
        modules,
        ...(options.configPath !== undefined ? { configPath: options.configPath } : {}),
        ...(options.moduleTimeoutMs !== undefined ? { moduleTimeoutMs: options.moduleTimeoutMs } : {}),
        ...(options.log ? { log: options.log } : {}),
      });
      const handlers = createToolHandlers({ tools: registry, ...(options.log ? { log: options.log } : {}) });
      return serveHttp(handlers, identify);
    },
  };
}

/** Listens on 127.0.0.1 (ephemeral port) and serves `handlers` to callers `identify` knows. */
export async function serveHttp(
  handlers: ToolHandlers,
  identify: (secret: string) => ToolCaller | null,
): Promise<ToolEndpointListener> {
  const running = new Map<string, AbortController>();
  const server: Server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  let port = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Loopback only, and no DNS rebinding: a web page cannot reach this through a name of its own.
    if (!isLoopback(req.socket.remoteAddress) || !isLocalHost(req.headers.host, port)) {
      return plain(res, 403, "codex-bridge tools: loopback clients only");
    }
    if ((req.url ?? "").split("?")[0] !== "/mcp") return plain(res, 404, "not found");
    const secret = bearer(req.headers.authorization);
    const caller = secret === null ? null : identify(secret);
    if (!caller || secret === null) {
      res.setHeader("www-authenticate", 'Bearer realm="codex-bridge"');
      return plain(res, 401, "codex-bridge tools: a valid per-thread bearer secret is required");
    }
    if (req.method !== "POST") {
      // No server-sent event stream and no session to end (the server is stateless).
      res.setHeader("allow", "POST");
      return plain(res, 405, "POST only");
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (err) {
      const tooLarge = err instanceof BridgeError;
      return json(res, tooLarge ? 413 : 400, rpcError(null, -32700, tooLarge ? err.message : "parse error"));
    }
    const messages = Array.isArray(body) ? body : [body];
    // A client that goes away aborts the calls of its request.
    const gone = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) gone.abort();
    });
    const answers = (await Promise.all(messages.map((m) => dispatch(m, secret, caller, gone.signal)))).filter(
      (a): a is Record<string, unknown> => a !== null,
    );
    if (gone.signal.aborted) return;
    if (answers.length === 0) return void res.writeHead(202).end();
    json(res, 200, Array.isArray(body) ? answers : answers[0]);
  }

  async function dispatch(
    message: unknown,
    secret: string,
    caller: ToolCaller,
    gone: AbortSignal,
  ): Promise<Record<string, unknown> | null> {
    if (typeof message !== "object" || message === null) return rpcError(null, -32600, "invalid request");
    const { id, method, params } = message as { id?: unknown; method?: unknown; params?: unknown };
    const isRequest = typeof id === "string" || typeof id === "number";
    if (typeof method !== "string") return null; // a response from the client: nothing to answer
    if (!isRequest) {
      if (method === "notifications/cancelled") {
        const requestId = (params as { requestId?: unknown } | undefined)?.requestId;
        running
          .get(callKey(secret, requestId))
          ?.abort(new BridgeError("ABORTED", "the client cancelled the call"));
      }
      return null;
    }
    switch (method) {
      case "initialize": {
        const requested = (params as { protocolVersion?: unknown } | undefined)?.protocolVersion;
        const protocolVersion =
          typeof requested === "string" && MCP_PROTOCOL_VERSIONS.includes(requested)
            ? requested
            : MCP_PROTOCOL_VERSIONS[0];
        return result(id, {
          protocolVersion,
          capabilities: { tools: { listChanged: false } },
          serverInfo: { name: HTTP_TOOL_SERVER_NAME, version: PACKAGE_VERSION },
        });
      }
      case "ping":
        return result(id, {});
      case "tools/list":
        return result(id, handlers.listTools());
      case "tools/call": {
        const p = (params ?? {}) as { name?: unknown; arguments?: unknown };
        if (typeof p.name !== "string") return rpcError(id, -32602, "tools/call needs a tool name");
        const key = callKey(secret, id);
        const controller = new AbortController();
        const onGone = () => controller.abort(new BridgeError("ABORTED", "the client went away"));
        gone.addEventListener("abort", onGone, { once: true });
        running.set(key, controller);
        try {
          const answer = await handlers.callTool(p.name, p.arguments, controller.signal, caller);
          // MCP: a cancelled request gets no response.
          return controller.signal.aborted ? null : result(id, answer);
        } finally {
          gone.removeEventListener("abort", onGone);
          if (running.get(key) === controller) running.delete(key);
        }
      }
      default:
        return rpcError(id, -32601, `method not found: ${method}`);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close() {
      closing ??= (async () => {
        for (const controller of running.values())
          controller.abort(new BridgeError("ABORTED", "the bridge closed"));
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await handlers.close();
      })();
      return closing;
    },
  };
}

function callKey(secret: string, id: unknown): string {
  return `${secret}\u0000${typeof id}:${String(id)}`;
}

function bearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1] ?? null;
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || /^(::ffff:)?127\./.test(address);
}

/** The Host header names this listener by a loopback name (or is absent, as HTTP/1.0 allows). */
function isLocalHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return true;
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host.toLowerCase());
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new BridgeError("INVALID_OPTION", `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function result(id: unknown, value: unknown): Record<string, unknown> {
  return { jsonrpc: "2.0", id, result: value };
}

function rpcError(id: unknown, code: number, message: string): Record<string, unknown> {
  return { jsonrpc: "2.0", id, error: { code, message } };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(`${text}\n`);
}
