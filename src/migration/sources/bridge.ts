// codex-bridge's own config: [mcp_servers.NAME] tables in codex's own shape.
import TOML from "@iarna/toml";
import { bridgeConfigPath } from "../../paths.js";
import { asTable, type SourceReader } from "./common.js";

export const bridgeSource: SourceReader = {
  kind: "bridge",
  defaultPaths: (ctx) => [bridgeConfigPath(ctx.env)],
  extract: (text) => asTable((TOML.parse(text) as Record<string, unknown>).mcp_servers, "mcp_servers"),
};
