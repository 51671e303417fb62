/**
 * Opening a board by URL: the `--board` option of the CLI and
 * `CODEX_BRIDGE_BOARD`.
 *
 * - nothing: `$CODEX_BRIDGE_BOARD`, else the SQLite board `$CODEX_BRIDGE_HOME/board.db`;
 * - `postgres://…` or `postgresql://…`: a PostgreSQL board (pg is loaded only then);
 * - `sqlite:PATH` or a plain path: a SQLite board in that file.
 */
import { BridgeError } from "../../errors.js";
import { defaultBoardPath, openSqliteBoard } from "./sqlite.js";
import type { Board } from "./types.js";

/** The environment variable naming the default board. */
export const BOARD_ENV = "CODEX_BRIDGE_BOARD";

export interface OpenBoardOptions {
  /** Where `CODEX_BRIDGE_BOARD` and `CODEX_BRIDGE_HOME` are read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** The board's clock (epoch ms); default `Date.now` for SQLite, the server's clock for PostgreSQL. */
  now?: () => number;
  /**
   * Refuse (NOT_FOUND) a SQLite board whose file does not exist instead of
   * creating it, when the board was named (a URL, or `CODEX_BRIDGE_BOARD`).
   * The default board is created as usual. For commands that only read or
   * change existing tasks.
   */
  mustExist?: boolean;
}

/** What kind of board a URL names, and where. */
export function parseBoardUrl(
  url: string,
): { kind: "sqlite"; path: string } | { kind: "postgres"; url: string } {
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: "postgres", url };
  if (/^sqlite:/i.test(url)) {
    const path = url.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "");
    if (path === "")
      throw new BridgeError(
        "INVALID_OPTION",
        "the board URL sqlite: needs a path (sqlite:/path/to/board.db)",
      );
    return { kind: "sqlite", path };
  }
  // A URL of another scheme (mysql://, http://…): refuse rather than make a file called "mysql:".
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (scheme || url.trim() === "") {
    throw new BridgeError(
      "INVALID_OPTION",
      `the board URL ${JSON.stringify(scheme ? `${scheme[1]}://…` : url)} names no board: give postgres://…, sqlite:PATH or a file path`,
    );
  }
  return { kind: "sqlite", path: url };
}

/**
 * Opens the board `url` names (see the module's description); undefined →
 * `$CODEX_BRIDGE_BOARD`, else `$CODEX_BRIDGE_HOME/board.db`.
 */
export async function openBoard(url?: string, options: OpenBoardOptions = {}): Promise<Board> {
  const env = options.env ?? process.env;
  const chosen = url ?? (env[BOARD_ENV] === "" ? undefined : env[BOARD_ENV]);
  if (chosen === undefined) {
    return openSqliteBoard(defaultBoardPath(env), { ...(options.now ? { now: options.now } : {}) });
  }
  const target = parseBoardUrl(chosen);
  if (target.kind === "sqlite") {
    return openSqliteBoard(target.path, {
      ...(options.now ? { now: options.now } : {}),
      ...(options.mustExist ? { mustExist: true } : {}),
    });
  }
  const { openPostgresBoard } = await import("./postgres.js");
  return openPostgresBoard(target.url, { ...(options.now ? { now: options.now } : {}) });
}
