/**
 * What `codex-bridge --version` and `codex-bridge --help` print, without
 * loading commander or any command: bin/codex-bridge.js answers them from
 * here. The help text is what commander renders for the full program at 80
 * columns; a unit test keeps the two equal (update this text when a
 * command's name, arguments or description change).
 */
export const TOP_LEVEL_HELP = `Usage: codex-bridge [options] [command]

Run OpenAI Codex (codex app-server) as the execution runtime of an agent
application.

Options:
  -V, --version               print the codex-bridge version
  -h, --help                  display help for command

Commands:
  run [options] [prompt]      run one codex turn and stream it (the prompt comes
                              from stdin when not given)
  attach [options] <session>  follow a session of a gateway (codex-bridge serve)
                              from a cursor, printed as run prints it
  sessions                    stored sessions and their transcripts
                              ($CODEX_BRIDGE_HOME/bridge.db)
  demo [options]              prove the installation offline: real codex, a
                              scripted model on 127.0.0.1, no account needed
  migrate [options]           write MCP servers, installed plugins and the
                              bridge's tool server into codex's config.toml
  mcp-serve [options]         serve the bridge's tools to codex over MCP on
                              stdio (codex starts this itself)
  serve [options]             serve sessions to UIs and other processes over
                              JSON-RPC (stdio or WebSocket)
  runtime [options] [action]  show or switch the opt-in runtime toggle (on =
                              codex_app_server, off = auto)
  doctor [options]            check that codex can run a turn here: binary,
                              version, CODEX_HOME, config.toml, account, managed
                              block, MCP servers
  kanban                      a task board whose workers are codex sessions
                              (create, list, show, board …)
  help [command]              display help for command
`;

/** The text for a lone `--version`/`-V` or `--help`/`-h`; null for anything else (the full CLI handles it). */
export function fastAnswer(args: readonly string[], version: string): string | null {
  if (args.length !== 1) return null;
  if (args[0] === "--version" || args[0] === "-V") return `${version}\n`;
  if (args[0] === "--help" || args[0] === "-h") return TOP_LEVEL_HELP;
  return null;
}
