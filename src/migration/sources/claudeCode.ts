// Claude Code: ~/.claude.json (user servers at the top, per-project servers
// under projects[dir]) and a project's .mcp.json. Which servers Claude Code
// keeps off lives in ~/.claude.json's projects[dir]: disabledMcpServers (any
// server), and for a project's .mcp.json the approval settings
// enabledMcpjsonServers / disabledMcpjsonServers / enableAllProjectMcpServers.
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { asTable, homeOf, parseJson, type SourceContext, type SourceReader } from "./common.js";

const claudeJson = (ctx: SourceContext) => join(homeOf(ctx), ".claude.json");

export const claudeCodeSource: SourceReader = {
  kind: "claude-code",
  defaultPaths: (ctx) => [claudeJson(ctx), join(ctx.cwd, ".mcp.json")],
  extract(text, ctx) {
    const doc = parseJson(text);
    const project = asTable(doc.projects, "projects")[ctx.cwd] as Record<string, unknown> | undefined;
    return {
      ...asTable(doc.mcpServers, "mcpServers"),
      ...asTable(project?.mcpServers, "projects[cwd].mcpServers"),
    };
  },
  disabled(text, ctx, path) {
    const projectFile = basename(path) === ".mcp.json";
    const dir = projectFile ? dirname(path) : ctx.cwd;
    const settings = projectSettings(projectFile ? readClaudeJson(ctx) : parseJson(text), dir);
    const where = `projects[${JSON.stringify(dir)}] of ~/.claude.json`;
    const out: Record<string, string> = {};
    const names = Object.keys(claudeCodeSource.extract(text, ctx, path));
    for (const name of names) {
      if (list(settings?.disabledMcpServers).includes(name)) {
        out[name] = `disabled in Claude Code (disabledMcpServers in ${where})`;
      } else if (projectFile) {
        if (list(settings?.disabledMcpjsonServers).includes(name))
          out[name] = `disabled in Claude Code (disabledMcpjsonServers in ${where})`;
        else if (
          settings?.enableAllProjectMcpServers !== true &&
          !list(settings?.enabledMcpjsonServers).includes(name)
        )
          out[name] =
            `not approved in Claude Code for this project (neither enabledMcpjsonServers nor enableAllProjectMcpServers in ${where}); enable it when you trust it`;
      }
    }
    return out;
  },
};

function readClaudeJson(ctx: SourceContext): Record<string, unknown> | null {
  const path = claudeJson(ctx);
  if (!existsSync(path)) return null;
  try {
    return parseJson(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
}

function projectSettings(doc: Record<string, unknown> | null, dir: string): Record<string, unknown> | null {
  const projects = doc?.projects;
  if (!projects || typeof projects !== "object") return null;
  const entry = (projects as Record<string, unknown>)[dir];
  return entry && typeof entry === "object" ? (entry as Record<string, unknown>) : null;
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === "string") : []);
