/** What every source file provides, and the parsing helpers they share. */
import { type ParseError, parse, printParseErrorCode } from "jsonc-parser";
import { homeOf as homeOfEnv } from "../../paths.js";
import type { SourceKind } from "../types.js";

export interface SourceContext {
  env: NodeJS.ProcessEnv;
  /** The project directory for project-level files (.mcp.json, .vscode/mcp.json). */
  cwd: string;
  platform: NodeJS.Platform;
}

export interface SourceReader {
  kind: SourceKind;
  /** Default locations, in the order they are read. */
  defaultPaths(ctx: SourceContext): string[];
  /** The server entries of the file, by name (still in the tool's own shape). */
  extract(text: string, ctx: SourceContext, path: string): Record<string, unknown>;
  /** Servers the tool itself keeps off (by settings outside the entry), each with why. */
  disabled?(text: string, ctx: SourceContext, path: string): Record<string, string>;
}

export function homeOf(ctx: SourceContext): string {
  return homeOfEnv(ctx.env);
}

/**
 * JSON as these tools read it: VS Code's JSONC (comments, trailing commas) is a superset of the
 * others. A real parser, so that text inside strings (`"[a-z,]"`) is never touched.
 */
export function parseJson(text: string): Record<string, unknown> {
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false }) as unknown;
  const first = errors[0];
  if (first) {
    const before = text.slice(0, first.offset).split("\n");
    const line = before.length;
    const column = (before.at(-1)?.length ?? 0) + 1;
    throw new Error(`${printParseErrorCode(first.error)} at line ${line}, column ${column}`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error("expected a JSON object");
  return value as Record<string, unknown>;
}

export function asTable(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new Error(`${what} must be an object/table`);
  return value as Record<string, unknown>;
}
