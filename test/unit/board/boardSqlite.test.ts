// The board contract on the embedded SQLite backend, plus what only it has:
// its file (0600 in a 0700 folder, board.db in CODEX_BRIDGE_HOME), its schema
// version, and an event log that refuses edits.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { defaultBoardPath, openSqliteBoard } from "../../../src/store/board/sqlite.js";
import { boardContract } from "../../contract/board.js";

const dir = mkdtempSync(join(tmpdir(), "codex-bridge-board-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

boardContract("sqlite", (now) => Promise.resolve(openSqliteBoard(join(dir, `b${n++}.db`), { now })));

describe("sqlite board", () => {
  it("lives in $CODEX_BRIDGE_HOME/board.db by default, private to its owner", async () => {
    const home = join(dir, "home", "bridge");
    const path = defaultBoardPath({ CODEX_BRIDGE_HOME: home });
    expect(path).toBe(join(home, "board.db"));
    const board = openSqliteBoard(path);
    await board.create({ title: "x" });
    await board.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(home).mode & 0o777).toBe(0o700);
  });

  it("shares one file between connections, and refuses a schema from a newer version", async () => {
    const path = join(dir, "shared.db");
    const a = openSqliteBoard(path);
    const b = openSqliteBoard(path);
    const t = await a.create({ title: "seen by both" });
    expect((await b.get(t.id)).title).toBe("seen by both");
    await a.close();
    await b.close();
    const db = new Database(path);
    expect(() => db.prepare("DELETE FROM events").run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE events SET type = 'x'").run()).toThrow(/append-only/);
    db.pragma("user_version = 99");
    db.close();
    expect(() => openSqliteBoard(path)).toThrow(/written by a newer codex-bridge \(schema 99/);
  });

  it("runs concurrent transactions of several connections in one process without deadlock", async () => {
    // better-sqlite3 waits for a lock synchronously: before connections of one process took turns,
    // the second BEGIN IMMEDIATE blocked the event loop until the busy timeout, then failed SQLITE_BUSY.
    const path = join(dir, "inprocess.db");
    const boards = [openSqliteBoard(path), openSqliteBoard(path), openSqliteBoard(path)];
    for (let i = 0; i < 30; i++) await boards[0]?.create({ title: `t${i}` });
    const claimed = await Promise.all(
      boards.flatMap((b, i) =>
        [0, 1, 2].map((j) => b.claim({ holder: `h${i}${j}`, leaseMs: 60_000, limit: 4 })),
      ),
    );
    const ids = claimed.flat().map((t) => t.id);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    await Promise.all(boards.map((b) => b.close()));
  });

  it("says which file it cannot open", () => {
    expect(() => openSqliteBoard("/proc/nope/board.db")).toThrow(/\/proc\/nope/);
  });

  it("refuses work once closed", async () => {
    const board = openSqliteBoard(join(dir, "closed.db"));
    await board.close();
    await expect(board.list()).rejects.toThrow(/is closed/);
  });
});
