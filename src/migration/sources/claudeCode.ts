// Claude Code: ~/.claude.json (user servers at the top, per-project servers
// under projects[dir]) and a project's .mcp.json.
import { join } from "node:path";
import { asTable, homeOf, parseJson, type SourceReader } from "./common.js";

export const claudeCodeSource: SourceReader = {
  kind: "claude-code",
  defaultPaths: (ctx) => [join(homeOf(ctx), ".claude.json"), join(ctx.cwd, ".mcp.json")],
  extract(text, ctx) {
    const doc = parseJson(text);
    const project = asTable(doc.projects, "projects")[ctx.cwd] as Record<string, unknown> | undefined;
    return {
      ...asTable(doc.mcpServers, "mcpServers"),
      ...asTable(project?.mcpServers, "projects[cwd].mcpServers"),
    };
  },
};
