/**
 * The tool server as an @modelcontextprotocol/sdk `Server`, for hosts that
 * want one (any SDK transport: in-memory, streamable HTTP, stdio). codex's
 * own per-thread servers use the leaner {@link serveStdio} instead.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { TOOL_SERVER_NAME } from "../toolServerSpec.js";
import { PACKAGE_VERSION } from "../version.js";
import type { ContextSource } from "./context.js";
import type { BrandedTool } from "./defineTool.js";
import { createToolHandlers } from "./handlers.js";
import type { ToolRegistry } from "./registry.js";

export { describeIssues } from "./handlers.js";

export interface ToolServerOptions {
  tools: ToolRegistry | BrandedTool[];
  /** Who the calls come from. Default: nobody (no session, no store). */
  context?: Partial<ContextSource>;
  /** Server name. Default `codex-bridge-tools`. */
  name?: string;
  /** Called with problems worth a log line. */
  log?: (line: string) => void;
}

export interface ToolServer {
  readonly server: Server;
  readonly registry: ToolRegistry;
  connect(transport: Transport): Promise<void>;
  close(): Promise<void>;
}

export function createToolServer(options: ToolServerOptions): ToolServer {
  const handlers = createToolHandlers(options);
  const server = new Server(
    { name: options.name ?? TOOL_SERVER_NAME, version: PACKAGE_VERSION },
    { capabilities: { tools: {} } },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => handlers.listTools() as never);
  server.setRequestHandler(
    CallToolRequestSchema,
    (request, extra) =>
      handlers.callTool(request.params.name, request.params.arguments, extra.signal) as never,
  );
  return {
    server,
    registry: handlers.registry,
    connect: (transport) => server.connect(transport),
    close: () => server.close(),
  };
}
