/**
 * A lean MCP server over stdio for the tool handlers, on the bridge's own
 * JSON-RPC layer. codex starts one tool server per thread (and short-lived
 * copies for status checks), so start-up cost matters: the SDK's server
 * module alone takes ~120 ms to load; this speaks the same protocol
 * (initialize, ping, tools/list, tools/call, cancellation) without it.
 */
import type { Readable, Writable } from "node:stream";
import { BridgeError, JsonRpcError, RpcErrorCode } from "../errors.js";
import { JsonRpcConnection } from "../jsonrpc/connection.js";
import type { RequestId } from "../jsonrpc/messages.js";
import { TOOL_SERVER_NAME } from "../toolServerSpec.js";
import { PACKAGE_VERSION } from "../version.js";
import type { ToolHandlers } from "./handlers.js";

/** What the server needs of its handlers (a full {@link ToolHandlers}, or one that loads its tools on the first call). */
export type StdioToolHandlers = Pick<ToolHandlers, "listTools" | "callTool" | "close">;

/** Protocol versions this server speaks, newest first (the same set as @modelcontextprotocol/sdk 1.x). */
export const MCP_PROTOCOL_VERSIONS = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", "2024-10-07"];

/** How long calls still running may take to answer once stdin has ended. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

export interface StdioServeOptions {
  /** Default process.stdin. */
  input?: Readable;
  /** Default process.stdout. */
  output?: Writable;
  /** Server name. Default `codex-bridge-tools`. */
  name?: string;
  log?: (line: string) => void;
  /**
   * Once the input ends, how long (ms) calls still running may take to
   * answer before they are aborted and the server stops. Default
   * {@link DEFAULT_DRAIN_TIMEOUT_MS}; 0 stops at once.
   */
  drainTimeoutMs?: number;
}

/** Serves until the input ends and the calls still running have answered; resolves then. */
export async function serveStdio(
  handlers: StdioToolHandlers,
  options: StdioServeOptions = {},
): Promise<void> {
  const connection = new JsonRpcConnection(options.input ?? process.stdin, options.output ?? process.stdout, {
    jsonrpcField: true,
    // A client that sends its last call and closes stdin (`printf … | mcp-serve`) still gets the answer.
    drainOnInputEndMs: options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS,
  });
  connection.handle("initialize", (params) => {
    const requested = (params as { protocolVersion?: unknown } | undefined)?.protocolVersion;
    const protocolVersion =
      typeof requested === "string" && MCP_PROTOCOL_VERSIONS.includes(requested)
        ? requested
        : MCP_PROTOCOL_VERSIONS[0];
    return {
      protocolVersion,
      capabilities: { tools: { listChanged: false } },
      serverInfo: { name: options.name ?? TOOL_SERVER_NAME, version: PACKAGE_VERSION },
    };
  });
  connection.handle("ping", () => ({}));
  connection.handle("tools/list", () => handlers.listTools());
  connection.handle("tools/call", (params, ctx) => {
    const p = (params ?? {}) as { name?: unknown; arguments?: unknown };
    if (typeof p.name !== "string")
      throw new JsonRpcError(RpcErrorCode.InvalidParams, "tools/call needs a tool name");
    // ctx.signal aborts on a cancel (below) and when the connection closes.
    return handlers.callTool(p.name, p.arguments, ctx.signal);
  });
  connection.onNotification((n) => {
    if (n.method !== "notifications/cancelled") return;
    const { requestId, reason } = (n.params ?? {}) as { requestId?: RequestId; reason?: unknown };
    // MCP: the receiver of a cancel stops the work and sends no response.
    if (typeof requestId === "string" || typeof requestId === "number") {
      connection.abandonIncoming(
        requestId,
        new BridgeError(
          "ABORTED",
          `the client cancelled the call${typeof reason === "string" ? `: ${reason}` : ""}`,
        ),
      );
    }
  });
  connection.onError((err) => options.log?.(err.message));
  connection.open();
  await connection.closed;
  await handlers.close();
}
