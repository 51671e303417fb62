/**
 * The embedded store: one SQLite file (WAL) with versioned migrations.
 * Default location `$CODEX_BRIDGE_HOME/bridge.db`, where CODEX_BRIDGE_HOME
 * defaults to `~/.codex-bridge`. The file (and the -wal/-shm files SQLite
 * gives the same mode) is private to its owner: 0600, in a 0700 folder.
 */
import { chmodSync, closeSync, existsSync, openSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import Database from "better-sqlite3";
import { BridgeError } from "../errors.js";
import { bridgeHome } from "../paths.js";
import { makeDirs } from "../util/makeDirs.js";
import { MIGRATIONS } from "./migrations.js";
import { BUSY_TIMEOUT_MS, guarded, storeError } from "./storeErrors.js";

/** @internal */
export type SqliteDatabase = Database.Database;
export { bridgeHome };

/** Default store path: `<bridgeHome>/bridge.db`. */
export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(bridgeHome(env), "bridge.db");
}

/**
 * @internal
 * Opens (creating when needed) and migrates the database at `path`; `":memory:"`
 * for a private in-memory one. A file that cannot be created or opened is
 * `STORE_FAILED`, a lock held by another process past the busy timeout is
 * `LOCKED`; both name the file.
 */
export function openDatabase(path: string): SqliteDatabase {
  if (path === "") throw new BridgeError("INVALID_OPTION", "store path must not be empty");
  const file = path === ":memory:" ? path : resolve(path);
  if (file !== ":memory:") guarded("cannot create the store", file, () => preparePrivateFiles(file));
  let db: SqliteDatabase;
  try {
    db = new Database(file);
  } catch (cause) {
    throw storeError("cannot open the store", file, cause);
  }
  try {
    // First, so that switching to WAL also waits for a concurrent opener instead of failing SQLITE_BUSY.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma("journal_mode = WAL");
    // NORMAL in WAL mode: a crash of this process loses nothing committed; only an OS crash can lose the last commits.
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    migrateSqlite(db, MIGRATIONS, { code: "INVALID_STATE", what: `the store ${file}` });
  } catch (cause) {
    db.close();
    throw storeError("cannot open the store", file, cause);
  }
  return db;
}

/**
 * Creates the folder 0700 and the file 0600 before SQLite does (SQLite gives
 * -wal and -shm the mode of the database file); tightens existing ones that
 * are looser and ours. An existing folder is tightened only when it is the
 * bridge's home: a store placed in, say, a project folder leaves that alone.
 */
export function preparePrivateFiles(file: string): void {
  const dir = dirname(file);
  if (!existsSync(dir)) makeDirs(dir);
  else if (dir === resolve(bridgeHome())) tighten(dir, 0o700);
  if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) tighten(f, 0o600);
}

function tighten(path: string, mode: number): void {
  const st = statSync(path);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) return;
  if ((st.mode & 0o777 & ~mode) !== 0) chmodSync(path, st.mode & mode & 0o777);
}

/**
 * Brings a SQLite file to the newest of `migrations` (its `user_version` is
 * how many ran), refusing a file written by a newer codex-bridge with `code`.
 * Several processes may open a new file at once (the bridge and the tool
 * servers of its threads; dispatchers on one board): the version is read again
 * under the write lock, so each migration runs exactly once.
 *
 * @internal
 */
export function migrateSqlite(
  db: SqliteDatabase,
  migrations: readonly string[],
  refuse: { code: "INVALID_STATE" | "BOARD_FAILED"; what: string },
): void {
  const version = () => db.pragma("user_version", { simple: true }) as number;
  const check = (current: number) => {
    if (current > migrations.length) {
      throw new BridgeError(
        refuse.code,
        `${refuse.what} was written by a newer codex-bridge (schema ${current}, this one knows ${migrations.length}): upgrade codex-bridge`,
      );
    }
  };
  check(version());
  if (version() === migrations.length) return;
  db.transaction(() => {
    const current = version();
    check(current);
    for (let v = current; v < migrations.length; v++) db.exec(migrations[v] as string);
    db.pragma(`user_version = ${migrations.length}`);
  }).immediate();
}
