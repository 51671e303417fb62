/**
 * What the tool server answers, independent of the transport: tools/list and
 * tools/call over a registry. A bad call never throws: invalid arguments and
 * failing handlers come back as tool errors (`isError: true`) whose text
 * says what was wrong.
 */
import { z } from "zod";
import {
  type ContextSource,
  type LazyBoard,
  type LazyStore,
  lazyBoard,
  lazyStore,
  type ToolContext,
} from "./context.js";
import type { BrandedTool, ToolResult } from "./defineTool.js";
import { ToolRegistry } from "./registry.js";

export interface ListedTool {
  name: string;
  title?: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations: Record<string, unknown>;
}

export interface CallResult {
  content: Array<Record<string, unknown>>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
  [key: string]: unknown;
}

export interface ToolHandlers {
  readonly registry: ToolRegistry;
  /** Closes the stores the calls opened (a later call opens them again). */
  close(): Promise<void>;
  listTools(): { tools: ListedTool[] };
  /** Runs a call; `caller` overrides the server's identity for this call (in-process dynamic tools). */
  callTool(
    name: string,
    args: unknown,
    signal: AbortSignal,
    caller?: Partial<ContextSource>,
  ): Promise<CallResult>;
}

export function createToolHandlers(options: {
  tools: ToolRegistry | BrandedTool[];
  context?: Partial<ContextSource>;
  log?: (line: string) => void;
}): ToolHandlers {
  const registry = options.tools instanceof ToolRegistry ? options.tools : new ToolRegistry(options.tools);
  const identity: ContextSource = {
    sessionId: options.context?.sessionId ?? null,
    threadId: options.context?.threadId ?? null,
    taskId: options.context?.taskId ?? null,
    storePath: options.context?.storePath ?? null,
    board: options.context?.board ?? null,
    taskHolder: options.context?.taskHolder ?? null,
    leaseMs: options.context?.leaseMs ?? null,
  };
  const store = lazyStore(identity.storePath);
  // One open board per location, for every caller that names it (the HTTP endpoint serves many threads).
  const boards = new Map<string | null, LazyBoard>();
  const boardFor = (location: string | null) => {
    let opener = boards.get(location);
    if (!opener) boards.set(location, (opener = lazyBoard(location)));
    return opener;
  };
  const stores = new Map<string | null, LazyStore>();
  const storeFor = (path: string | null) => {
    let opener = stores.get(path);
    if (!opener) stores.set(path, (opener = lazyStore(path)));
    return opener;
  };
  // JSON schemas are computed once, on the first tools/list; argument schemas on a tool's first call.
  let listed: ListedTool[] | undefined;
  const argumentSchemas = new Map<string, z.ZodObject>();
  const argumentSchema = (tool: BrandedTool) => {
    let schema = argumentSchemas.get(tool.name);
    if (!schema) argumentSchemas.set(tool.name, (schema = strictIfStripping(tool.inputSchema)));
    return schema;
  };
  return {
    registry,
    async close() {
      await Promise.all([
        store.close(),
        ...[...stores.values()].map((s) => s.close()),
        ...[...boards.values()].map((b) => b.close()),
      ]);
    },
    listTools() {
      listed ??= registry.list().map((tool) => ({
        name: tool.name,
        ...(tool.title ? { title: tool.title } : {}),
        description: tool.description,
        inputSchema: inputJsonSchema(tool.inputSchema),
        ...(tool.outputSchema ? { outputSchema: jsonSchema(tool.outputSchema, "output") } : {}),
        annotations: { ...(tool.title ? { title: tool.title } : {}), ...tool.annotations },
      }));
      return { tools: listed };
    },
    async callTool(name, args, signal, caller) {
      const tool = registry.get(name);
      if (!tool) {
        return toolError(
          `unknown tool ${name}; this server has ${registry
            .list()
            .map((t) => t.name)
            .join(", ")}`,
        );
      }
      const parsed = argumentSchema(tool).safeParse(args ?? {});
      if (!parsed.success)
        return toolError(`invalid arguments for ${tool.name}: ${describeIssues(parsed.error)}`);
      const who = caller ? { ...identity, ...definedOnly(caller) } : identity;
      const ctx: ToolContext = {
        sessionId: who.sessionId,
        threadId: who.threadId,
        taskId: who.taskId,
        storePath: who.storePath,
        board: who.board ?? null,
        taskHolder: who.taskHolder ?? null,
        leaseMs: who.leaseMs ?? null,
        store: who.storePath === identity.storePath ? store : storeFor(who.storePath),
        openBoard: boardFor(who.board ?? null),
        signal,
      };
      try {
        const result = toCallResult(await tool.handler(ctx, parsed.data));
        return tool.outputSchema && !result.isError
          ? checkOutput(tool.name, tool.outputSchema, result)
          : result;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        options.log?.(`tool ${tool.name} failed: ${message}`);
        return toolError(`${tool.name} failed: ${message}`);
      }
    },
  };
}

/** The caller's fields that are set (an absent board or holder keeps the server's own). */
function definedOnly(caller: Partial<ContextSource>): Partial<ContextSource> {
  return Object.fromEntries(Object.entries(caller).filter(([, v]) => v !== undefined));
}

function jsonSchema(schema: z.ZodObject, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io }) as Record<string, unknown>;
  return rest;
}

/**
 * What the client is told the arguments may be: the input side of the schema
 * (a field with a default is optional). A plain `z.object` would silently
 * drop unknown keys; the server refuses them instead (see
 * {@link strictIfStripping}), and says so with `additionalProperties: false`.
 */
function inputJsonSchema(schema: z.ZodObject): Record<string, unknown> {
  const served = jsonSchema(schema, "input");
  return isStripping(schema) ? { ...served, additionalProperties: false } : served;
}

/** `z.object` (no catchall) strips unknown keys; `z.looseObject`/`z.strictObject` set a catchall. */
function isStripping(schema: z.ZodObject): boolean {
  return schema._zod.def.catchall === undefined;
}

/** An argument the model made up is an error it can correct, not something to drop without a word. */
function strictIfStripping(schema: z.ZodObject): z.ZodObject {
  return isStripping(schema) ? schema.strict() : schema;
}

/** MCP: a tool that declares an outputSchema must return structured content that conforms to it. */
function checkOutput(name: string, schema: z.ZodObject, result: CallResult): CallResult {
  if (result.structuredContent === undefined) {
    return toolError(`${name} returned no structured content, but it declares an outputSchema`);
  }
  const parsed = schema.safeParse(result.structuredContent);
  if (parsed.success) return result;
  return toolError(
    `${name} returned a result that does not match its outputSchema: ${describeIssues(parsed.error)}`,
  );
}

/** "text: expected string, received number; limit: too big" */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(arguments)"}: ${issue.message}`)
    .join("; ");
}

function toolError(text: string): CallResult {
  return { content: [{ type: "text", text }], isError: true };
}

function toCallResult(result: ToolResult): CallResult {
  if (typeof result === "string") return { content: [{ type: "text", text: result }] };
  if (Array.isArray((result as { content?: unknown }).content)) return result as CallResult;
  return {
    content: [{ type: "text", text: JSON.stringify(result, null, 2) }],
    structuredContent: result,
  };
}
