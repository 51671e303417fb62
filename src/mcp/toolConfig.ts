/**
 * The bridge config's `[tools]`, apart from hostModules.ts (which loads zod)
 * so that `mcp-serve` can tell whether any host module is configured without
 * loading more than the TOML parser.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseToml } from "../util/toml.js";
import { isTimeout } from "./moduleTimeout.js";

/**
 * `[tools]` of the bridge config: `modules` (resolved against the config's
 * folder) and `module_timeout_ms`.
 */
export function configuredModules(configPath: string): {
  modules: string[];
  baseDir: string;
  /** `tools.module_timeout_ms`, when set. */
  timeoutMs?: number;
  error: string | null;
} {
  const baseDir = dirname(configPath);
  if (!existsSync(configPath)) return { modules: [], baseDir, error: null };
  try {
    const doc = parseToml(readFileSync(configPath, "utf8")) as {
      tools?: { modules?: unknown; module_timeout_ms?: unknown };
    };
    const modules = doc.tools?.modules ?? [];
    const timeout = doc.tools?.module_timeout_ms;
    if (!Array.isArray(modules) || !modules.every((m) => typeof m === "string")) {
      return { modules: [], baseDir, error: `${configPath}: tools.modules must be a list of module paths` };
    }
    if (timeout !== undefined && !isTimeout(timeout)) {
      return {
        modules,
        baseDir,
        error: `${configPath}: tools.module_timeout_ms must be a positive number of milliseconds`,
      };
    }
    return { modules, baseDir, error: null, ...(timeout === undefined ? {} : { timeoutMs: timeout }) };
  } catch (err) {
    return {
      modules: [],
      baseDir,
      error: `${configPath}: ${err instanceof Error ? err.message.split("\n")[0] : ""}`,
    };
  }
}
