/**
 * Host tools: JavaScript modules (built JS, or anything Node can import)
 * whose exports are tools made with defineTool, or arrays of them. A module
 * that fails to load, or takes too long, is reported and the server serves
 * the rest.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrandedTool, isTool } from "./defineTool.js";
import { DEFAULT_MODULE_TIMEOUT_MS, isTimeout } from "./moduleTimeout.js";
import { parseToml } from "../util/toml.js";

export interface LoadedModules {
  tools: BrandedTool[];
  /** One line per module that could not be used. */
  errors: string[];
}

export { DEFAULT_MODULE_TIMEOUT_MS, isTimeout } from "./moduleTimeout.js";

export interface LoadOptions {
  /** Give up on a module that has not finished loading after this many ms. Default {@link DEFAULT_MODULE_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/**
 * Imports the modules side by side, each within the time limit, and returns
 * their tools in the order of `specs`. A module that throws, exports no tool
 * or does not finish in time is reported in `errors`; it never holds up the
 * others (a module stuck in a top-level await stays stuck, unused).
 */
export async function loadToolModules(
  specs: string[],
  baseDir: string,
  options: LoadOptions = {},
): Promise<LoadedModules> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_MODULE_TIMEOUT_MS;
  const results = await Promise.all(specs.map((spec) => loadOne(spec, baseDir, timeoutMs)));
  return {
    tools: results.flatMap((r) => r.tools),
    errors: results.flatMap((r) => r.errors),
  };
}

async function loadOne(spec: string, baseDir: string, timeoutMs: number): Promise<LoadedModules> {
  const target = spec.startsWith(".") || isAbsolute(spec) ? pathToFileURL(resolve(baseDir, spec)).href : spec;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const mod = await Promise.race([import(target) as Promise<Record<string, unknown>>, timedOut]);
    if (mod === "timeout") return failed(`${spec}: did not finish loading within ${timeoutMs} ms`);
    const found = Object.values(mod)
      .flatMap((v): unknown[] => (Array.isArray(v) ? (v as unknown[]) : [v]))
      .filter(isTool);
    if (found.length === 0) return failed(`${spec}: exports no tool made with defineTool()`);
    return { tools: found, errors: [] };
  } catch (err) {
    return failed(`${spec}: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
  } finally {
    clearTimeout(timer);
  }
}

const failed = (error: string): LoadedModules => ({ tools: [], errors: [error] });

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
