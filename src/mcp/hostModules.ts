/**
 * Host tools: JavaScript modules (built JS, or anything Node can import)
 * whose exports are tools made with defineTool, or arrays of them. A module
 * that fails to load, or takes too long, is reported and the server serves
 * the rest.
 */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrandedTool, isTool } from "./defineTool.js";
import { DEFAULT_MODULE_TIMEOUT_MS } from "./moduleTimeout.js";

export interface LoadedModules {
  tools: BrandedTool[];
  /** One line per module that could not be used. */
  errors: string[];
}

export { DEFAULT_MODULE_TIMEOUT_MS, isTimeout } from "./moduleTimeout.js";
export { configuredModules } from "./toolConfig.js";

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
