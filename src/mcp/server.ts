/**
 * The bridge's MCP tool server: tools/list and tools/call over any MCP
 * transport (stdio for codex, in-memory for tests). A bad call never brings
 * the server down: invalid arguments and failing handlers come back as tool
 * errors (`isError: true`) whose text says what was wrong.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { TOOL_SERVER_NAME } from "../toolServerSpec.js";
import { PACKAGE_VERSION } from "../version.js";
import { type ContextSource, lazyStore, type ToolContext } from "./context.js";
import type { BrandedTool, ToolResult } from "./defineTool.js";
import { ToolRegistry } from "./registry.js";

export interface ToolServerOptions {
  tools: ToolRegistry | BrandedTool[];
  /** Who the calls come from. Default: nobody (no session, no store). */
  context?: Partial<ContextSource>;
  /** Server name. Default `codex-bridge-tools`. */
  name?: string;
  /** Called with problems worth a log line (to stderr in `mcp-serve`). */
  log?: (line: string) => void;
}

export interface ToolServer {
  readonly server: Server;
  readonly registry: ToolRegistry;
  connect(transport: Transport): Promise<void>;
  close(): Promise<void>;
}

export function createToolServer(options: ToolServerOptions): ToolServer {
  const registry = options.tools instanceof ToolRegistry ? options.tools : new ToolRegistry(options.tools);
  const identity: ContextSource = {
    sessionId: options.context?.sessionId ?? null,
    threadId: options.context?.threadId ?? null,
    taskId: options.context?.taskId ?? null,
    storePath: options.context?.storePath ?? null,
  };
  const store = lazyStore(identity.storePath);
  const server = new Server(
    { name: options.name ?? TOOL_SERVER_NAME, version: PACKAGE_VERSION },
    { capabilities: { tools: {} } },
  );
  // JSON schemas are computed once, on the first tools/list.
  let listed: unknown[] | undefined;

  server.setRequestHandler(ListToolsRequestSchema, () => {
    listed ??= registry.list().map((tool) => ({
      name: tool.name,
      ...(tool.title ? { title: tool.title } : {}),
      description: tool.description,
      inputSchema: jsonSchema(tool.inputSchema),
      ...(tool.outputSchema ? { outputSchema: jsonSchema(tool.outputSchema) } : {}),
      annotations: { ...(tool.title ? { title: tool.title } : {}), ...tool.annotations },
    }));
    return { tools: listed as never[] };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const tool = registry.get(request.params.name);
    if (!tool) {
      return toolError(
        `unknown tool ${request.params.name}; this server has ${registry
          .list()
          .map((t) => t.name)
          .join(", ")}`,
      );
    }
    const parsed = tool.inputSchema.safeParse(request.params.arguments ?? {});
    if (!parsed.success)
      return toolError(`invalid arguments for ${tool.name}: ${describeIssues(parsed.error)}`);
    const ctx: ToolContext = { ...identity, store, signal: extra.signal };
    try {
      return toCallResult(await tool.handler(ctx, parsed.data));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      options.log?.(`tool ${tool.name} failed: ${message}`);
      return toolError(`${tool.name} failed: ${message}`);
    }
  });

  return {
    server,
    registry,
    connect: (transport) => server.connect(transport),
    close: () => server.close(),
  };
}

function jsonSchema(schema: z.ZodObject): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema) as Record<string, unknown>;
  return rest;
}

/** "text: expected string, received number; limit: too big" */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(arguments)"}: ${issue.message}`)
    .join("; ");
}

function toolError(text: string) {
  return { content: [{ type: "text" as const, text }], isError: true };
}

function toCallResult(result: ToolResult) {
  if (typeof result === "string") return { content: [{ type: "text" as const, text: result }] };
  if (Array.isArray((result as { content?: unknown }).content)) return result as never;
  return {
    content: [{ type: "text" as const, text: JSON.stringify(result, null, 2) }],
    structuredContent: result as Record<string, unknown>,
  };
}
