/**
 * A lean MCP server over stdio for the tool handlers, on the bridge's own
 * JSON-RPC layer. codex starts one tool server per thread (and short-lived
 * copies for status checks), so start-up cost matters: the SDK's server
 * module alone takes ~120 ms to load; this speaks the same protocol
 * (initialize, ping, tools/list, tools/call, cancellation) without it.
 */
import type { Readable, Writable } from "node:stream";
import { JsonRpcError, RpcErrorCode } from "../errors.js";
import { JsonRpcConnection } from "../jsonrpc/connection.js";
import type { RequestId } from "../jsonrpc/messages.js";
import { TOOL_SERVER_NAME } from "../toolServerSpec.js";
import { PACKAGE_VERSION } from "../version.js";
import type { ToolHandlers } from "./handlers.js";

/** Protocol versions this server speaks, newest first (the same set as @modelcontextprotocol/sdk 1.x). */
export const MCP_PROTOCOL_VERSIONS = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", "2024-10-07"];

export interface StdioServeOptions {
  input?: Readable;
  output?: Writable;
  name?: string;
  log?: (line: string) => void;
}

/** Serves until the input ends; resolves then. */
export async function serveStdio(handlers: ToolHandlers, options: StdioServeOptions = {}): Promise<void> {
  const connection = new JsonRpcConnection(options.input ?? process.stdin, options.output ?? process.stdout, {
    jsonrpcField: true,
  });
  const calls = new Map<RequestId, AbortController>();
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
  connection.handle("tools/call", async (params, ctx) => {
    const p = (params ?? {}) as { name?: unknown; arguments?: unknown };
    if (typeof p.name !== "string")
      throw new JsonRpcError(RpcErrorCode.InvalidParams, "tools/call needs a tool name");
    const controller = new AbortController();
    const onClose = () => controller.abort();
    ctx.signal.addEventListener("abort", onClose, { once: true });
    calls.set(ctx.id, controller);
    try {
      return await handlers.callTool(p.name, p.arguments, controller.signal);
    } finally {
      calls.delete(ctx.id);
      ctx.signal.removeEventListener("abort", onClose);
    }
  });
  connection.onNotification((n) => {
    if (n.method === "notifications/cancelled") {
      const id = (n.params as { requestId?: RequestId } | undefined)?.requestId;
      if (id !== undefined) calls.get(id)?.abort();
    }
  });
  connection.onError((err) => options.log?.(err.message));
  connection.open();
  await connection.closed;
}
