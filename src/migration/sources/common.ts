/** What every source file provides, and the parsing helpers they share. */
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

export function parseJson(text: string): Record<string, unknown> {
  // Some tools allow comments and trailing commas in their JSON (VS Code's JSONC).
  const value = JSON.parse(stripJsonComments(text)) as unknown;
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error("expected a JSON object");
  return value as Record<string, unknown>;
}

export function asTable(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new Error(`${what} must be an object/table`);
  return value as Record<string, unknown>;
}

/** Removes // and /* *\/ comments and trailing commas outside strings. */
export function stripJsonComments(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    const next = text[i + 1];
    if (inString) {
      out += ch;
      if (ch === "\\") {
        out += next ?? "";
        i++;
      } else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch === "/" && next === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (ch === "/" && next === "*") {
      i += 2;
      while (i < text.length && !(text[i] === "*" && text[i + 1] === "/")) i++;
      i++;
    } else {
      out += ch;
    }
  }
  return out.replace(/,(\s*[}\]])/g, "$1");
}
