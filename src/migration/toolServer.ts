/** The `[mcp_servers.codex-bridge-tools]` entry written by `migrate`. */
import { toolServerCommand } from "../toolServerSpec.js";
import type { CodexServerTable } from "./types.js";

export function toolServerTable(): CodexServerTable {
  return { ...toolServerCommand(), startup_timeout_sec: 20 };
}
