// `codex-bridge kanban …`: the task board. Each subcommand lives in its own
// file and registers itself on the `kanban` command through SUBCOMMANDS.
import type { Command } from "commander";
import type { Output } from "../output.js";
import { registerBoardView } from "./kanbanBoard.js";
import { registerKanbanDispatch } from "./kanbanDispatch.js";
import { registerTaskCommands } from "./kanbanTasks.js";

/** Registers subcommands on the `kanban` command. */
export type KanbanSubcommand = (kanban: Command, out: Output) => void;

/**
 * The subcommands, in the order `kanban --help` lists them. `kanban dispatch`
 * goes here too: a `registerKanbanDispatch` in ./kanbanDispatch.ts, added to
 * this list (give it `--board` with `boardOption`, and open the board with
 * `withBoard` or `openBoard`: ./kanbanShared.ts).
 */
const SUBCOMMANDS: readonly KanbanSubcommand[] = [
  registerTaskCommands,
  registerBoardView,
  registerKanbanDispatch,
];

export function registerKanban(program: Command, out: Output): void {
  const kanban = program
    .command("kanban")
    .description("a task board whose workers are codex sessions (create, list, show, board …)")
    .addHelpText(
      "after",
      `
The board is $CODEX_BRIDGE_HOME/board.db (SQLite) unless --board or
CODEX_BRIDGE_BOARD names another: a file path, sqlite:PATH, or
postgres://user:password@host:port/database for a board shared by
dispatchers on several machines.

A task can be named by its id or a unique prefix of it.
Exit status: 0 done, 1 no such task or a refused change, 2 usage error.`,
    );
  for (const register of SUBCOMMANDS) register(kanban, out);
}
