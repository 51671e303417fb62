// `codex-bridge mcp-serve`: the stdio MCP server codex spawns. stdout carries
// the protocol and nothing else; every log line goes to stderr. The bin
// script calls runMcpServe() directly, without loading the rest of the CLI,
// so start-up stays cheap (codex starts one of these per thread): without
// host tool modules it answers initialize and tools/list before loading zod,
// the store or the tools (see mcp/lazyHandlers.ts); the first call loads them.
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import type { Command } from "commander";
import { identityFromEnv } from "../../mcp/context.js";
import { lazyBuiltinHandlers } from "../../mcp/lazyHandlers.js";
import { DEFAULT_MODULE_TIMEOUT_MS, isTimeout } from "../../mcp/moduleTimeout.js";
import type { configuredModules } from "../../mcp/toolConfig.js";
import { serveStdio, type StdioToolHandlers } from "../../mcp/stdioServer.js";
import { bridgeConfigPath } from "../../paths.js";
import { IDENTITY_ENV } from "../../toolServerSpec.js";

const HELP = `Usage: codex-bridge mcp-serve [--tools MODULE]... [--module-timeout MS]

Serve the bridge's tools to codex over MCP on stdio (server name
codex-bridge-tools). Built-in tools: session_search, session_read,
memory_write, memory_read, memory_search. Host tools come from the bridge
config (tools.modules = ["./my-tools.js"]) and from --tools; a module that
fails to load, or has not loaded within the module timeout, is reported on
stderr and the others are served. A host tool that throws outside its
handler (in a timer, an unhandled rejection) is reported on stderr; the
server keeps serving. When stdin closes, calls still running are answered
(for up to 30 s) before the server exits.

Identity comes from the environment the bridge sets per thread:
${Object.values(IDENTITY_ENV).join(", ")}.
Without ${IDENTITY_ENV.storePath} the store is $CODEX_BRIDGE_HOME/bridge.db
(~/.codex-bridge/bridge.db), so plain codex and other MCP clients need no
variable.

Options:
  --tools <module>         a module exporting tools made with defineTool (repeatable)
  --module-timeout <ms>    how long each module may take to load (default
                           ${DEFAULT_MODULE_TIMEOUT_MS}; config: tools.module_timeout_ms)
  -h, --help               display help for command
`;

/** Registered with commander for `codex-bridge --help` and `mcp-serve --help`. */
export function registerMcpServe(program: Command): void {
  const command = program
    .command("mcp-serve")
    .description("serve the bridge's tools to codex over MCP on stdio (codex starts this itself)")
    .option("--tools <module>", "a module exporting tools made with defineTool (repeatable)")
    .option("--module-timeout <ms>", "how long each tool module may take to load")
    .action(async () => {
      process.exitCode = await runMcpServe(process.argv.slice(process.argv.indexOf("mcp-serve") + 1));
    });
  command.helpInformation = () => HELP;
}

export interface ServeArgs {
  modules: string[];
  /** `--module-timeout`, when given. */
  moduleTimeoutMs?: number;
}

/** Parses `--tools` and `--module-timeout` (also as `--flag=value`); an unknown argument is an error. */
export function parseServeArgs(args: string[]): ServeArgs | { error: string } {
  const parsed: ServeArgs = { modules: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? splitOnce(arg) : [arg, undefined];
    if (flag !== "--tools" && flag !== "--module-timeout") {
      return { error: `unknown argument ${JSON.stringify(arg)}` };
    }
    const value = inline ?? args[++i];
    if (flag === "--tools") {
      if (!value) return { error: "--tools needs a module path" };
      parsed.modules.push(value);
    } else {
      const ms = Number(value);
      if (!isTimeout(ms)) {
        return {
          error: `--module-timeout needs a positive number of milliseconds, got ${JSON.stringify(value ?? "")}`,
        };
      }
      parsed.moduleTimeoutMs = ms;
    }
  }
  return parsed;
}

function splitOnce(arg: string): [string, string] {
  const at = arg.indexOf("=");
  return [arg.slice(0, at), arg.slice(at + 1)];
}

/**
 * Runs the server until stdin closes and the calls still running have been
 * answered and flushed. Resolves with the exit status; the caller exits the
 * process then (a host tool's timers must not keep it alive).
 */
export async function runMcpServe(args: string[]): Promise<number> {
  const log = (line: string) => process.stderr.write(`codex-bridge mcp-serve: ${line}\n`);
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(HELP);
    return 0;
  }
  const parsed = parseServeArgs(args);
  if ("error" in parsed) {
    log(parsed.error);
    return 2;
  }
  keepServingThroughStrayErrors(log);
  // Read without loading zod (the TOML parser only when there is a config file).
  const configPath = bridgeConfigPath();
  const fromConfig = existsSync(configPath)
    ? (await import("../../mcp/toolConfig.js")).configuredModules(configPath)
    : { modules: [], baseDir: dirname(configPath), error: null };
  if (fromConfig.error) log(fromConfig.error);
  // No host tool module: serve the built-in tools, loaded on the first call.
  const handlers =
    parsed.modules.length === 0 && fromConfig.modules.length === 0
      ? lazyBuiltinHandlers({ context: identityFromEnv(), log })
      : await withHostModules(parsed, fromConfig, log);
  await serveStdio(handlers, { log });
  await flushed(process.stdout);
  return 0;
}

/** The built-in tools and the host's tool modules (from the bridge config and --tools), all loaded now. */
async function withHostModules(
  parsed: ServeArgs,
  fromConfig: ReturnType<typeof configuredModules>,
  log: (line: string) => void,
): Promise<StdioToolHandlers> {
  const [{ loadToolModules }, { ToolRegistry }, { createToolHandlers }, { builtinTools }] = await Promise.all(
    [
      import("../../mcp/hostModules.js"),
      import("../../mcp/registry.js"),
      import("../../mcp/handlers.js"),
      import("../../mcp/tools/index.js"),
    ],
  );
  const registry = new ToolRegistry(builtinTools());
  const timeoutMs = parsed.moduleTimeoutMs ?? fromConfig.timeoutMs ?? DEFAULT_MODULE_TIMEOUT_MS;
  const specs = [
    ...fromConfig.modules.map((m) => ({ spec: m, base: fromConfig.baseDir })),
    ...parsed.modules.map((m) => ({ spec: m, base: process.cwd() })),
  ];
  // Side by side, each within the time limit: a module that never settles cannot keep the server from starting.
  const results = await Promise.all(
    specs.map(({ spec, base }) => loadToolModules([spec], base, { timeoutMs })),
  );
  for (const [index, loaded] of results.entries()) {
    const spec = specs[index]?.spec ?? "";
    for (const error of loaded.errors) log(`skipped tool module ${error}`);
    for (const tool of loaded.tools) {
      try {
        registry.add(tool);
      } catch (err) {
        log(`skipped tool ${tool.name} from ${spec}: ${(err as Error).message}`);
      }
    }
  }
  return createToolHandlers({ tools: registry, context: identityFromEnv(), log });
}

/** Resolves once everything written to `stream` has been handed to the OS (bounded: 5 s). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableFinished || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, 5_000);
    function done() {
      clearTimeout(timer);
      stream.off("finish", done).off("close", done).off("error", done);
      resolve();
    }
    stream.once("finish", done).once("close", done).once("error", done);
  });
}

let strayErrorsHandled = false;

/**
 * A host tool that throws outside its handler (in a timer, a promise nobody
 * awaits) would otherwise kill the server and every tool with it: report it
 * on stderr and keep serving. Only for the mcp-serve process, which owns it.
 */
function keepServingThroughStrayErrors(log: (line: string) => void): void {
  if (strayErrorsHandled) return;
  strayErrorsHandled = true;
  const describe = (err: unknown) => (err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.on("uncaughtException", (err) => {
    log(`an exception escaped a host tool (still serving): ${describe(err)}`);
  });
  process.on("unhandledRejection", (reason) => {
    log(`a host tool left a promise rejection unhandled (still serving): ${describe(reason)}`);
  });
}
