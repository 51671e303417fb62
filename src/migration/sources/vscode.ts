// VS Code: a workspace's .vscode/mcp.json (JSONC), servers under "servers".
import { join } from "node:path";
import { asTable, parseJson, type SourceReader } from "./common.js";

export const vscodeSource: SourceReader = {
  kind: "vscode",
  defaultPaths: (ctx) => [join(ctx.cwd, ".vscode", "mcp.json")],
  extract(text) {
    const doc = parseJson(text);
    return asTable(doc.servers ?? doc.mcpServers, "servers");
  },
};
