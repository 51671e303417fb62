// Hermes: ~/.hermes/config.yaml (or $HERMES_HOME), servers under "mcp_servers".
import { join } from "node:path";
import YAML from "yaml";
import { asTable, homeOf, type SourceReader } from "./common.js";

export const hermesSource: SourceReader = {
  kind: "hermes",
  defaultPaths: (ctx) => [join(ctx.env.HERMES_HOME ?? join(homeOf(ctx), ".hermes"), "config.yaml")],
  extract: (text) =>
    asTable(((YAML.parse(text) ?? {}) as Record<string, unknown>).mcp_servers, "mcp_servers"),
};
