/**
 * The `codex-bridge` command. Exit status: 0 success, 1 a check or run
 * failed, 2 usage error (unknown command or option, bad value), 130
 * interrupted, 141 stdout's reader went away.
 *
 * Start-up: a command's module (and what it pulls in: the codex client,
 * SQLite, zod, execa …) is loaded only when that command runs; `--version`
 * and `--help` do not reach this file at all (bin/codex-bridge.js answers
 * them from ./fastPath.js).
 */
import { Command, CommanderError } from "commander";
import { PACKAGE_VERSION } from "../version.js";
import type { Output } from "./output.js";
import { terminal } from "./output.js";

type Register = (program: Command, out: Output) => void;

/** Every command, in the order `--help` lists them, loaded on demand. */
const COMMANDS: Record<string, () => Promise<Register>> = {
  run: async () => (await import("./commands/run.js")).registerRun,
  attach: async () => (await import("./commands/attach.js")).registerAttach,
  sessions: async () => (await import("./commands/sessions.js")).registerSessions,
  demo: async () => (await import("./commands/demo.js")).registerDemo,
  migrate: async () => (await import("./commands/migrate.js")).registerMigrate,
  "mcp-serve": async () => {
    const { registerMcpServe } = await import("./commands/mcpServe.js");
    return (program) => registerMcpServe(program);
  },
  serve: async () => (await import("./commands/serve.js")).registerServe,
  runtime: async () => (await import("./commands/runtime.js")).registerRuntime,
  doctor: async () => (await import("./commands/doctor.js")).registerDoctor,
  kanban: async () => (await import("./commands/kanban.js")).registerKanban,
};

/** The names `codex-bridge <name>` accepts. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

/**
 * The program with the given commands registered (default all of them, as
 * `--help` and an unknown command need).
 */
export async function buildProgram(
  out: Output = terminal,
  names: readonly string[] = COMMAND_NAMES,
): Promise<Command> {
  const program = new Command("codex-bridge")
    .description("Run OpenAI Codex (codex app-server) as the execution runtime of an agent application.")
    .version(PACKAGE_VERSION, "-V, --version", "print the codex-bridge version")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: (s) => out.stdout(s), writeErr: (s) => out.stderr(s) })
    .exitOverride();
  const loaders = names.flatMap((name) => {
    const load = COMMANDS[name];
    return load ? [load()] : [];
  });
  for (const register of await Promise.all(loaders)) register(program, out);
  const override = (command: Command) => {
    command.exitOverride();
    command.configureOutput({ writeOut: (s) => out.stdout(s), writeErr: (s) => out.stderr(s) });
    command.commands.forEach(override);
  };
  program.commands.forEach(override);
  return program;
}

/** Runs the CLI with `argv` (as in process.argv); resolves with the exit status. */
export async function main(argv: string[], out: Output = terminal): Promise<number> {
  // `help bogus` is `bogus` (commander would print the top-level help and exit 0).
  const helpOf = argv[2] === "help" ? argv[3] : undefined;
  if (helpOf !== undefined && !helpOf.startsWith("-") && !Object.hasOwn(COMMANDS, helpOf)) {
    argv = [...argv.slice(0, 2), ...argv.slice(3)];
  }
  // `codex-bridge run …` loads the run command only; anything else (help, an unknown command) all of them.
  const name = argv[2];
  const program = await buildProgram(
    out,
    name !== undefined && Object.hasOwn(COMMANDS, name) ? [name] : COMMAND_NAMES,
  );
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === "commander.helpDisplayed" ||
        err.code === "commander.version" ||
        err.code === "commander.help"
      ) {
        return 0;
      }
      return 2;
    }
    // Named by its command, as the commands name their own errors: `codex-bridge kanban: …`.
    const prefix =
      name !== undefined && Object.hasOwn(COMMANDS, name) ? `codex-bridge ${name}` : "codex-bridge";
    out.stderr(`${prefix}: ${err instanceof Error ? err.message : String(err)}\n`);
    const { UsageError, USAGE_EXIT } = await import("./usage.js");
    return err instanceof UsageError ? USAGE_EXIT : 1;
  }
}
