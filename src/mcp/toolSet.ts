/**
 * The tools a bridge tool server offers: the built-ins, the host modules of
 * the bridge config (`[tools] modules`) and modules given by the caller.
 * Failures are reported through `log` and never stop the rest from being
 * served.
 */
import { bridgeConfigPath } from "../paths.js";
import type { BrandedTool } from "./defineTool.js";
import { configuredModules, DEFAULT_MODULE_TIMEOUT_MS, loadToolModules } from "./hostModules.js";
import { ToolRegistry } from "./registry.js";
import { builtinTools } from "./tools/index.js";

export interface ToolSetOptions {
  /** Serve the built-in tools. Default true. */
  builtins?: boolean;
  /** Tools given as objects (after the built-ins). */
  tools?: BrandedTool[];
  /** Module paths or specifiers, resolved against `baseDir`. */
  modules?: string[];
  /** Default the current directory. */
  baseDir?: string;
  /** The bridge config whose `[tools]` table adds modules; `false` for none. Default `$CODEX_BRIDGE_HOME/config.toml`. */
  configPath?: string | false;
  /** Per-module load limit. Default the config's `module_timeout_ms`, else {@link DEFAULT_MODULE_TIMEOUT_MS}. */
  moduleTimeoutMs?: number;
  log?: (line: string) => void;
}

/** Loads the modules side by side, each within the time limit, and registers their tools in order. */
export async function loadToolSet(options: ToolSetOptions = {}): Promise<ToolRegistry> {
  const log = options.log ?? (() => undefined);
  const registry = new ToolRegistry(options.builtins === false ? [] : builtinTools());
  const add = (tool: BrandedTool, from: string) => {
    try {
      registry.add(tool);
    } catch (err) {
      log(`skipped tool ${tool.name} from ${from}: ${(err as Error).message}`);
    }
  };
  for (const tool of options.tools ?? []) add(tool, "the host");
  const configPath = options.configPath === undefined ? bridgeConfigPath() : options.configPath;
  const fromConfig = configPath
    ? configuredModules(configPath)
    : { modules: [], baseDir: "", error: null, timeoutMs: undefined };
  if (fromConfig.error) log(fromConfig.error);
  const timeoutMs = options.moduleTimeoutMs ?? fromConfig.timeoutMs ?? DEFAULT_MODULE_TIMEOUT_MS;
  const specs = [
    ...fromConfig.modules.map((spec) => ({ spec, base: fromConfig.baseDir })),
    ...(options.modules ?? []).map((spec) => ({ spec, base: options.baseDir ?? process.cwd() })),
  ];
  const loaded = await Promise.all(
    specs.map(({ spec, base }) => loadToolModules([spec], base, { timeoutMs })),
  );
  for (const [index, result] of loaded.entries()) {
    for (const error of result.errors) log(`skipped tool module ${error}`);
    for (const tool of result.tools) add(tool, specs[index]?.spec ?? "");
  }
  return registry;
}
