/**
 * The `codex-bridge` command. Exit status: 0 success, 1 a check or run
 * failed, 2 usage error (unknown command or option, bad value), 130
 * interrupted, 141 stdout's reader went away.
 */
import { Command, CommanderError } from "commander";
import { PACKAGE_VERSION } from "../version.js";
import { registerDemo } from "./commands/demo.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerMcpServe } from "./commands/mcpServe.js";
import { registerMigrate } from "./commands/migrate.js";
import { registerRun } from "./commands/run.js";
import { registerRuntime } from "./commands/runtime.js";
import { registerSessions } from "./commands/sessions.js";
import { type Output, terminal } from "./output.js";
import { USAGE_EXIT, UsageError } from "./usage.js";

export function buildProgram(out: Output = terminal): Command {
  const program = new Command("codex-bridge")
    .description("Run OpenAI Codex (codex app-server) as the execution runtime of an agent application.")
    .version(PACKAGE_VERSION, "-V, --version", "print the codex-bridge version")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: (s) => out.stdout(s), writeErr: (s) => out.stderr(s) })
    .exitOverride();
  registerRun(program, out);
  registerSessions(program, out);
  registerDemo(program, out);
  registerMigrate(program, out);
  registerMcpServe(program);
  registerRuntime(program, out);
  registerDoctor(program, out);
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
  const program = buildProgram(out);
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
    out.stderr(`codex-bridge: ${err instanceof Error ? err.message : String(err)}\n`);
    return err instanceof UsageError ? USAGE_EXIT : 1;
  }
}
