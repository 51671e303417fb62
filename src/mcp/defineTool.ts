/**
 * Defining a tool for the bridge's MCP server: a name, a description written
 * for a model, a zod input schema (its JSON schema is what codex sees),
 * truthful annotations, and a handler that gets the caller's identity.
 */
import { z } from "zod";
import { BridgeError } from "../errors.js";
import type { ToolContext } from "./context.js";

export interface ToolAnnotations {
  /** The tool does not change anything. Read-only built-ins are approved without asking. */
  readOnlyHint?: boolean;
  /** The tool may destroy or overwrite data. */
  destructiveHint?: boolean;
  /** Calling it twice with the same arguments has no further effect. */
  idempotentHint?: boolean;
  /** The tool reaches outside this machine. */
  openWorldHint?: boolean;
}

export type ToolContent =
  | { type: "text"; text: string }
  | { type: "image"; data: string; mimeType: string }
  | { type: "resource_link"; uri: string; name: string };

/** What a handler returns: text, a JSON-able object (sent as text and as structured content), or MCP content. */
export type ToolResult =
  | string
  | { content: ToolContent[]; structuredContent?: Record<string, unknown>; isError?: boolean }
  | Record<string, unknown>;

export interface ToolDefinition<S extends z.ZodObject = z.ZodObject> {
  name: string;
  title?: string;
  description: string;
  inputSchema: S;
  outputSchema?: z.ZodObject;
  annotations: ToolAnnotations;
  handler(ctx: ToolContext, args: z.infer<S>): ToolResult | Promise<ToolResult>;
}

const BRAND = Symbol.for("codex-bridge.tool");

export type BrandedTool = ToolDefinition & { readonly [BRAND]: true };

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Checks and brands a tool definition (host modules export these). */
export function defineTool<S extends z.ZodObject>(definition: ToolDefinition<S>): BrandedTool {
  if (!NAME.test(definition.name)) {
    throw new BridgeError(
      "INVALID_OPTION",
      `tool name ${JSON.stringify(definition.name)} must be 1-64 letters, digits, _ or -`,
    );
  }
  if (!definition.description?.trim()) {
    throw new BridgeError(
      "INVALID_OPTION",
      `tool ${definition.name} needs a description (it is what the model reads)`,
    );
  }
  if (!(definition.inputSchema instanceof z.ZodObject)) {
    throw new BridgeError(
      "INVALID_OPTION",
      `tool ${definition.name}: inputSchema must be a zod object schema`,
    );
  }
  return Object.assign(Object.create(null) as object, definition, { [BRAND]: true as const });
}

export function isTool(value: unknown): value is BrandedTool {
  return !!value && typeof value === "object" && (value as Record<symbol, unknown>)[BRAND] === true;
}
