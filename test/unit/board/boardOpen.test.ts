// openBoard: which backend a board URL names, CODEX_BRIDGE_BOARD as the
// default, and a clear refusal for anything else.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BridgeError } from "../../../src/errors.js";
import { openBoard, parseBoardUrl } from "../../../src/store/board/open.js";

const dir = mkdtempSync(join(tmpdir(), "codex-bridge-boardopen-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("parseBoardUrl", () => {
  it("tells PostgreSQL URLs from SQLite paths", () => {
    expect(parseBoardUrl("postgres://u@h/db")).toEqual({ kind: "postgres", url: "postgres://u@h/db" });
    expect(parseBoardUrl("postgresql://h/db")).toEqual({ kind: "postgres", url: "postgresql://h/db" });
    expect(parseBoardUrl("sqlite:/tmp/b.db")).toEqual({ kind: "sqlite", path: "/tmp/b.db" });
    expect(parseBoardUrl("sqlite:///tmp/b.db")).toEqual({ kind: "sqlite", path: "/tmp/b.db" });
    expect(parseBoardUrl("sqlite:rel/b.db")).toEqual({ kind: "sqlite", path: "rel/b.db" });
    expect(parseBoardUrl("./b.db")).toEqual({ kind: "sqlite", path: "./b.db" });
  });

  it("refuses other schemes and empty names with INVALID_OPTION", () => {
    for (const bad of ["mysql://u:pw@h/db", "http://x", "", "sqlite:"]) {
      let err: unknown;
      try {
        parseBoardUrl(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(BridgeError);
      expect((err as BridgeError).code).toBe("INVALID_OPTION");
      expect((err as BridgeError).message).toMatch(/postgres:\/\/…, sqlite:PATH or a file path|needs a path/);
      expect((err as BridgeError).message).not.toContain("pw");
    }
  });
});

describe("openBoard", () => {
  it("opens $CODEX_BRIDGE_HOME/board.db by default, and CODEX_BRIDGE_BOARD when set", async () => {
    const home = join(dir, "home");
    const a = await openBoard(undefined, { env: { CODEX_BRIDGE_HOME: home } });
    expect(a.location).toBe(join(home, "board.db"));
    await a.close();
    const file = join(dir, "chosen.db");
    const b = await openBoard(undefined, {
      env: { CODEX_BRIDGE_HOME: home, CODEX_BRIDGE_BOARD: `sqlite:${file}` },
    });
    expect(b.location).toBe(file);
    await b.close();
    const c = await openBoard(join(dir, "explicit.db"), { env: { CODEX_BRIDGE_BOARD: "mysql://nope" } });
    expect(c.location).toBe(join(dir, "explicit.db"));
    await c.close();
  });
});
