/**
 * The embedded store: one SQLite file (WAL) with versioned migrations.
 * Default location `$CODEX_BRIDGE_HOME/bridge.db`, where CODEX_BRIDGE_HOME
 * defaults to `~/.codex-bridge`.
 */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { BridgeError } from "../errors.js";
import { bridgeHome } from "../paths.js";
import { MIGRATIONS } from "./migrations.js";

/** @internal */
export type SqliteDatabase = Database.Database;
export { bridgeHome };

/** Default store path: `<bridgeHome>/bridge.db`. */
export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(bridgeHome(env), "bridge.db");
}

/** @internal Opens (creating when needed) and migrates the database at `path`; `":memory:"` for a private in-memory one. */
export function openDatabase(path: string): SqliteDatabase {
  if (path === "") throw new BridgeError("INVALID_OPTION", "store path must not be empty");
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  let db: SqliteDatabase;
  try {
    db = new Database(path);
  } catch (cause) {
    throw new BridgeError("INVALID_OPTION", `cannot open the store at ${path}: ${(cause as Error).message}`, {
      cause,
    });
  }
  // First, so that switching to WAL also waits for a concurrent opener instead of failing SQLITE_BUSY.
  db.pragma("busy_timeout = 5000");
  db.pragma("journal_mode = WAL");
  // NORMAL in WAL mode: a crash of this process loses nothing committed; only an OS crash can lose the last commits.
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  migrate(db);
  return db;
}

function migrate(db: SqliteDatabase): void {
  const version = () => db.pragma("user_version", { simple: true }) as number;
  const check = (current: number) => {
    if (current > MIGRATIONS.length) {
      throw new BridgeError(
        "INVALID_STATE",
        `the store was written by a newer codex-bridge (schema ${current}, this one knows ${MIGRATIONS.length}): upgrade codex-bridge`,
      );
    }
  };
  check(version());
  if (version() === MIGRATIONS.length) return;
  // Several processes may open a new store at once (the bridge and the tool servers of its threads):
  // read the version again under the write lock, so each migration runs exactly once.
  db.transaction(() => {
    const current = version();
    check(current);
    for (let v = current; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v] as string);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
