// Claude Desktop: claude_desktop_config.json, servers under "mcpServers".
import { join } from "node:path";
import { asTable, homeOf, parseJson, type SourceReader } from "./common.js";

export const claudeDesktopSource: SourceReader = {
  kind: "claude-desktop",
  defaultPaths(ctx) {
    const home = homeOf(ctx);
    if (ctx.platform === "darwin") {
      return [join(home, "Library", "Application Support", "Claude", "claude_desktop_config.json")];
    }
    if (ctx.platform === "win32") {
      return [
        join(ctx.env.APPDATA ?? join(home, "AppData", "Roaming"), "Claude", "claude_desktop_config.json"),
      ];
    }
    return [join(ctx.env.XDG_CONFIG_HOME ?? join(home, ".config"), "Claude", "claude_desktop_config.json")];
  },
  extract: (text) => asTable(parseJson(text).mcpServers, "mcpServers"),
};
