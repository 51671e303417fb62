/**
 * The embedded board: one SQLite file (WAL), by default
 * `$CODEX_BRIDGE_HOME/board.db` (0600 in a 0700 folder, like the store).
 * Every write is one IMMEDIATE transaction: it takes SQLite's write lock
 * before reading, so the state it checks is the state it changes, across
 * connections and processes on the same file. Schema versioned with
 * `PRAGMA user_version`.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { BridgeError } from "../../errors.js";
import { bridgeHome } from "../../paths.js";
import { migrateSqlite, preparePrivateFiles } from "../db.js";
import { SqlBoard } from "./sqlBoard.js";
import { type BoardTx, type Row, Serial, type TxRunner, backendError } from "./tx.js";
import type { Board } from "./types.js";

/** How long a write waits for another connection's write lock before BOARD_FAILED. */
const BUSY_TIMEOUT_MS = 30_000;

/** Schema migrations; index i upgrades version i to i+1. Never edit a shipped entry. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE tasks (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    priority INTEGER NOT NULL,
    cwd TEXT,
    result TEXT,
    artifacts TEXT NOT NULL,
    reason TEXT,
    lease_holder TEXT,
    lease_expires INTEGER,
    failures INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX tasks_status ON tasks(status, priority DESC, n);
  CREATE TABLE deps (
    task_id TEXT NOT NULL REFERENCES tasks(id),
    depends_on TEXT NOT NULL REFERENCES tasks(id),
    pos INTEGER NOT NULL,
    PRIMARY KEY (task_id, depends_on)
  );
  CREATE INDEX deps_dependents ON deps(depends_on);
  CREATE TABLE comments (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id TEXT NOT NULL REFERENCES tasks(id),
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX comments_task ON comments(task_id, n);
  CREATE TABLE attempts (
    task_id TEXT NOT NULL REFERENCES tasks(id),
    number INTEGER NOT NULL,
    session_id TEXT,
    holder TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    outcome TEXT NOT NULL,
    detail TEXT,
    PRIMARY KEY (task_id, number)
  );
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id TEXT NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX events_task ON events(task_id, seq);
  CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
  CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
  `,
];

/** The schema version this codex-bridge writes. */
export const SQLITE_BOARD_SCHEMA = MIGRATIONS.length;

/** Default board file: `<bridgeHome>/board.db`. */
export function defaultBoardPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(bridgeHome(env), "board.db");
}

export interface SqliteBoardOptions {
  /** The clock (epoch ms); default `Date.now`. Tests move it to expire leases. */
  now?: () => number;
  /** Refuse (NOT_FOUND, naming the file) when the file does not exist, rather than create it. */
  mustExist?: boolean;
}

/**
 * Opens (creating and migrating when needed) the board in the SQLite file at
 * `path` (default `$CODEX_BRIDGE_HOME/board.db`). Several connections and
 * processes may open the same file.
 */
export function openSqliteBoard(path: string = defaultBoardPath(), options: SqliteBoardOptions = {}): Board {
  if (path === "") throw new BridgeError("INVALID_OPTION", "the board path must not be empty");
  const file = resolve(path);
  if (options.mustExist && !existsSync(file)) {
    throw new BridgeError("NOT_FOUND", `no board at ${file}`, { details: { path: file } });
  }
  let db: Database.Database;
  try {
    preparePrivateFiles(file);
    db = new Database(file);
  } catch (cause) {
    throw backendError("open the board", file, cause);
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    migrateSqlite(db, MIGRATIONS, { code: "BOARD_FAILED", what: `the board ${file}` });
  } catch (cause) {
    db.close();
    throw backendError("open the board", file, cause);
  }
  return new SqlBoard(new SqliteRunner(db, file, options.now ?? Date.now));
}

/**
 * One queue per file per process. better-sqlite3 is synchronous: a second
 * connection of this process that waited for the write lock would block the
 * event loop, so the first could never reach its COMMIT. Connections of one
 * process therefore take turns here; other processes wait on SQLite's lock.
 */
const queues = new Map<string, { serial: Serial; users: number }>();

function queueFor(file: string): Serial {
  const entry = queues.get(file) ?? { serial: new Serial(), users: 0 };
  entry.users++;
  queues.set(file, entry);
  return entry.serial;
}

function releaseQueue(file: string): void {
  const entry = queues.get(file);
  if (entry && --entry.users === 0) queues.delete(file);
}

const sqlValue = (v: unknown): unknown => (v === undefined ? null : typeof v === "boolean" ? Number(v) : v);

class SqliteRunner implements TxRunner {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly serial: Serial;
  private closed = false;

  constructor(
    private readonly db: Database.Database,
    readonly location: string,
    private readonly clock: () => number,
  ) {
    this.serial = queueFor(location);
  }

  private prepare(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private tx(): BoardTx {
    return {
      all: (sql, params = []) => Promise.resolve(this.prepare(sql).all(...params.map(sqlValue)) as Row[]),
      run: (sql, params = []) => Promise.resolve(this.prepare(sql).run(...params.map(sqlValue)).changes),
      now: this.clock(),
      forUpdate: "",
      forShare: "",
      skipLocked: "",
      // The IMMEDIATE transaction already excludes every other writer.
      lockGraph: () => Promise.resolve(),
    };
  }

  private transaction<T>(what: string, begin: string, fn: (tx: BoardTx) => Promise<T>): Promise<T> {
    // One transaction at a time per file in this process: the steps of `fn` await, and another call must not interleave.
    return this.serial.run(async () => {
      if (this.closed) throw new BridgeError("INVALID_STATE", `the board ${this.location} is closed`);
      try {
        this.db.exec(begin);
      } catch (cause) {
        throw backendError(what, this.location, cause);
      }
      try {
        const result = await fn(this.tx());
        this.db.exec("COMMIT");
        return result;
      } catch (cause) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw backendError(what, this.location, cause);
      }
    });
  }

  write<T>(what: string, fn: (tx: BoardTx) => Promise<T>): Promise<T> {
    return this.transaction(what, "BEGIN IMMEDIATE", fn);
  }

  read<T>(what: string, fn: (tx: BoardTx) => Promise<T>): Promise<T> {
    return this.transaction(what, "BEGIN", fn);
  }

  close(): Promise<void> {
    return this.serial.run(() => {
      if (!this.closed) {
        this.closed = true;
        this.db.close();
        releaseQueue(this.location);
      }
      return Promise.resolve();
    });
  }
}
