/** The `[mcp_servers.codex-bridge-tools]` entry: absolute node and script paths, so it works from any cwd. */
import { fileURLToPath } from "node:url";
import type { CodexServerTable } from "./types.js";

/** bin/codex-bridge.js of this installation (dist/ and src/ both sit one level below the package root). */
export function cliScriptPath(): string {
  return fileURLToPath(new URL("../../bin/codex-bridge.js", import.meta.url));
}

export function toolServerTable(): CodexServerTable {
  return { command: process.execPath, args: [cliScriptPath(), "mcp-serve"], startup_timeout_sec: 20 };
}
