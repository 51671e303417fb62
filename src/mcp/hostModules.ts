/**
 * Host tools: JavaScript modules (built JS, or anything Node can import)
 * whose exports are tools made with defineTool, or arrays of them. A module
 * that fails to load is reported and the server serves the rest.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import TOML from "@iarna/toml";
import { type BrandedTool, isTool } from "./defineTool.js";

export interface LoadedModules {
  tools: BrandedTool[];
  /** One line per module that could not be used. */
  errors: string[];
}

export async function loadToolModules(specs: string[], baseDir: string): Promise<LoadedModules> {
  const tools: BrandedTool[] = [];
  const errors: string[] = [];
  for (const spec of specs) {
    const target =
      spec.startsWith(".") || isAbsolute(spec) ? pathToFileURL(resolve(baseDir, spec)).href : spec;
    try {
      const mod = (await import(target)) as Record<string, unknown>;
      const found = Object.values(mod)
        .flatMap((v): unknown[] => (Array.isArray(v) ? (v as unknown[]) : [v]))
        .filter(isTool);
      if (found.length === 0) errors.push(`${spec}: exports no tool made with defineTool()`);
      tools.push(...found);
    } catch (err) {
      errors.push(`${spec}: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
    }
  }
  return { tools, errors };
}

/** `tools.modules` of the bridge config, resolved against the config's folder. */
export function configuredModules(configPath: string): {
  modules: string[];
  baseDir: string;
  error: string | null;
} {
  const baseDir = dirname(configPath);
  if (!existsSync(configPath)) return { modules: [], baseDir, error: null };
  try {
    const doc = TOML.parse(readFileSync(configPath, "utf8")) as { tools?: { modules?: unknown } };
    const modules = doc.tools?.modules;
    if (modules === undefined) return { modules: [], baseDir, error: null };
    if (!Array.isArray(modules) || !modules.every((m) => typeof m === "string")) {
      return { modules: [], baseDir, error: `${configPath}: tools.modules must be a list of module paths` };
    }
    return { modules, baseDir, error: null };
  } catch (err) {
    return {
      modules: [],
      baseDir,
      error: `${configPath}: ${err instanceof Error ? err.message.split("\n")[0] : ""}`,
    };
  }
}
