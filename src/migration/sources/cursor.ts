// Cursor: ~/.cursor/mcp.json, servers under "mcpServers".
import { join } from "node:path";
import { asTable, homeOf, parseJson, type SourceReader } from "./common.js";

export const cursorSource: SourceReader = {
  kind: "cursor",
  defaultPaths: (ctx) => [join(homeOf(ctx), ".cursor", "mcp.json")],
  extract: (text) => asTable(parseJson(text).mcpServers, "mcpServers"),
};
