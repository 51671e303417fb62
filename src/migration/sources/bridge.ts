// codex-bridge's own config: [mcp_servers.NAME] tables in codex's own shape.
import { bridgeConfigPath } from "../../paths.js";
import { parseToml } from "../../util/toml.js";
import { asTable, type SourceReader } from "./common.js";

export const bridgeSource: SourceReader = {
  kind: "bridge",
  defaultPaths: (ctx) => [bridgeConfigPath(ctx.env)],
  extract: (text) => asTable(parseToml(text).mcp_servers, "mcp_servers"),
};
