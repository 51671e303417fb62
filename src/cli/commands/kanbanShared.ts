// What every kanban subcommand shares: the --board option, and opening the
// board for the length of one command.
import type { Command } from "commander";
import { BridgeError } from "../../errors.js";
import { openBoard } from "../../store/board/open.js";
import type { Board } from "../../store/board/types.js";
import { UsageError } from "../usage.js";

/** Adds the `--board URL` option every kanban subcommand has. */
export function boardOption(command: Command): Command {
  return command.option(
    "--board <url>",
    "the board: postgres://…, sqlite:PATH or a file path (default: $CODEX_BRIDGE_BOARD, else $CODEX_BRIDGE_HOME/board.db)",
  );
}

/**
 * Opens the board, runs `fn`, closes the board. A refusal for bad input
 * (INVALID_OPTION: an empty title, a bad board URL) is a usage error (exit 2).
 * `existing`: a named SQLite board must already exist ("no board at PATH",
 * exit 1) — for the commands that only read or change tasks, so a mistyped
 * path does not leave an empty board behind. The default board is created.
 */
export async function withBoard<T>(
  url: string | undefined,
  fn: (board: Board) => Promise<T>,
  { existing = true }: { existing?: boolean } = {},
): Promise<T> {
  try {
    const board = await openBoard(url, existing ? { mustExist: true } : {});
    try {
      return await fn(board);
    } finally {
      await board.close();
    }
  } catch (err) {
    if (err instanceof BridgeError && err.code === "INVALID_OPTION") throw new UsageError(err.message);
    throw err;
  }
}
