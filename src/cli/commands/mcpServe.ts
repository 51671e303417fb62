// `codex-bridge mcp-serve`: the stdio MCP server codex spawns. stdout carries
// the protocol and nothing else; every log line goes to stderr. The bin
// script calls runMcpServe() directly, without loading the rest of the CLI,
// so start-up stays cheap (codex starts one of these per thread).
import type { Command } from "commander";
import { identityFromEnv } from "../../mcp/context.js";
import { configuredModules, loadToolModules } from "../../mcp/hostModules.js";
import { ToolRegistry } from "../../mcp/registry.js";
import { createToolHandlers } from "../../mcp/handlers.js";
import { serveStdio } from "../../mcp/stdioServer.js";
import { builtinTools } from "../../mcp/tools/index.js";
import { bridgeConfigPath } from "../../paths.js";
import { IDENTITY_ENV } from "../../toolServerSpec.js";

const HELP = `Usage: codex-bridge mcp-serve [--tools MODULE]...

Serve the bridge's tools to codex over MCP on stdio (server name
codex-bridge-tools). Built-in tools: session_search, session_read,
memory_write, memory_read, memory_search. Host tools come from the bridge
config (tools.modules = ["./my-tools.js"]) and from --tools; a module that
fails to load is reported on stderr and the others are served.

Identity comes from the environment the bridge sets per thread:
${Object.values(IDENTITY_ENV).join(", ")}.

Options:
  --tools <module>  a module exporting tools made with defineTool (repeatable)
  -h, --help        display help for command
`;

/** Registered with commander for `codex-bridge --help` and `mcp-serve --help`. */
export function registerMcpServe(program: Command): void {
  const command = program
    .command("mcp-serve")
    .description("serve the bridge's tools to codex over MCP on stdio (codex starts this itself)")
    .option("--tools <module>", "a module exporting tools made with defineTool (repeatable)")
    .action(async () => {
      process.exitCode = await runMcpServe(process.argv.slice(process.argv.indexOf("mcp-serve") + 1));
    });
  command.helpInformation = () => HELP;
}

/** Parses `--tools` flags; returns null for an argument it does not know. */
export function parseServeArgs(args: string[]): { modules: string[] } | { error: string } {
  const modules: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--tools") {
      const value = args[++i];
      if (!value) return { error: "--tools needs a module path" };
      modules.push(value);
    } else if (arg.startsWith("--tools=")) {
      modules.push(arg.slice("--tools=".length));
    } else {
      return { error: `unknown argument ${JSON.stringify(arg)}` };
    }
  }
  return { modules };
}

/** Runs the server until stdin closes. Resolves with the exit status. */
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
  const registry = new ToolRegistry(builtinTools());
  const fromConfig = configuredModules(bridgeConfigPath());
  if (fromConfig.error) log(fromConfig.error);
  const specs = [
    ...fromConfig.modules.map((m) => ({ spec: m, base: fromConfig.baseDir })),
    ...parsed.modules.map((m) => ({ spec: m, base: process.cwd() })),
  ];
  for (const { spec, base } of specs) {
    const loaded = await loadToolModules([spec], base);
    for (const error of loaded.errors) log(`skipped tool module ${error}`);
    for (const tool of loaded.tools) {
      try {
        registry.add(tool);
      } catch (err) {
        log(`skipped tool ${tool.name} from ${spec}: ${(err as Error).message}`);
      }
    }
  }
  const handlers = createToolHandlers({ tools: registry, context: identityFromEnv(), log });
  await serveStdio(handlers, { log });
  return 0;
}
