// `kanban board`: the whole board in the terminal, one column per status.
import type { Command } from "commander";
import type { Output } from "../output.js";
import { positiveInteger } from "../usage.js";
import { boardView } from "./kanbanRender.js";
import { boardOption, withBoard } from "./kanbanShared.js";

/** The terminal's width: the TTY's, else $COLUMNS, else 120. */
function terminalWidth(): number {
  if (process.stdout.isTTY && process.stdout.columns > 0) return process.stdout.columns;
  const columns = Number(process.env.COLUMNS);
  return Number.isSafeInteger(columns) && columns > 0 ? columns : 120;
}

export function registerBoardView(kanban: Command, out: Output): void {
  boardOption(
    kanban
      .command("board")
      .description("show the board: one column per status, fitted to the terminal's width")
      .option(
        "--width <n>",
        "columns to fit (default: the terminal's, else $COLUMNS, else 120)",
        positiveInteger,
      )
      .option("--per-column <n>", "tasks shown per column", positiveInteger, 20),
  ).action(async (flags: { board?: string; width?: number; perColumn: number }) => {
    await withBoard(flags.board, async (board) => {
      out.stdout(boardView(await board.list(), flags.width ?? terminalWidth(), flags.perColumn));
    });
  });
}
