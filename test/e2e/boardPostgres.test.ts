// The board contract on PostgreSQL (a real throwaway cluster), plus what only
// it has: the server's clock, migrations under an advisory lock, a masked URL.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BridgeError } from "../../src/errors.js";
import { openBoard } from "../../src/store/board/open.js";
import { maskUrl, openPostgresBoard } from "../../src/store/board/postgres.js";
import { boardContract } from "../contract/board.js";
import { type PgCluster, startPostgres } from "../harness/postgres.js";

let cluster: PgCluster;
beforeAll(async () => {
  cluster = await startPostgres();
});
afterAll(async () => {
  await cluster.stop();
});

boardContract("postgres", async (now) =>
  openPostgresBoard(await cluster.createDatabase(), { now, maxConnections: 4 }),
);

describe("postgres board", () => {
  it("expires leases on the server's clock", async () => {
    const board = await openBoard(await cluster.createDatabase());
    try {
      const t = await board.create({ title: "a" });
      const [claimed] = await board.claim({ holder: "d1", leaseMs: 300 });
      expect(claimed?.lease?.holder).toBe("d1");
      let taken: string | undefined;
      for (let i = 0; i < 600 && taken === undefined; i++) {
        taken = (await board.claim({ holder: "d2", leaseMs: 60_000 }))[0]?.id;
        if (taken === undefined) await new Promise((r) => setTimeout(r, 50));
      }
      expect(taken).toBe(t.id);
      const after = await board.get(t.id);
      expect(after.attempts.map((a) => `${a.holder}:${a.outcome}`)).toEqual(["d1:lost", "d2:running"]);
    } finally {
      await board.close();
    }
  });

  it("migrates a new database once when several dispatchers open it at once", async () => {
    const url = await cluster.createDatabase();
    const boards = await Promise.all(
      Array.from({ length: 6 }, () => openPostgresBoard(url, { maxConnections: 2 })),
    );
    await Promise.all(boards.map((b, i) => b.create({ title: `from ${i}` })));
    expect(await boards[0]?.list()).toHaveLength(6);
    await Promise.all(boards.map((b) => b.close()));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const versions = await client.query("SELECT version FROM codex_bridge.schema_versions");
      expect(versions.rows).toEqual([{ version: 1 }]);
      await expect(client.query("DELETE FROM codex_bridge.events")).rejects.toThrow(/append-only/);
      await client.query("INSERT INTO codex_bridge.schema_versions VALUES (99, 0)");
    } finally {
      await client.end();
    }
    await expect(openPostgresBoard(url)).rejects.toThrow(/newer codex-bridge \(schema 99/);
  });

  it("never shows the password: not in location, not in an error", async () => {
    const url = await cluster.createDatabase(undefined, "s3cret-pw");
    const board = await openBoard(url);
    expect(board.location).toBe(url.replace("s3cret-pw", "***"));
    expect(board.location).not.toContain("s3cret");
    await board.close();
    const missing = cluster.url("no_such_db", "s3cret-pw");
    const err = await openPostgresBoard(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BridgeError);
    expect((err as BridgeError).code).toBe("BOARD_FAILED");
    expect((err as BridgeError).message).toMatch(/no_such_db/);
    expect((err as BridgeError).message).not.toContain("s3cret");
    expect(maskUrl("postgresql://u:p%40ss@h:5/db?password=x&sslmode=require")).toBe(
      "postgresql://u:***@h:5/db?password=***&sslmode=require",
    );
  });
});
