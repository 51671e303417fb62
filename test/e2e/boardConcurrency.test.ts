// 20 claimers × 500 tasks, on SQLite (4 processes × 5 connections on one
// file) and on PostgreSQL (the same, against a throwaway cluster): every task
// is done exactly once, and the event log shows one claim per task.
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBoard } from "../../src/store/board/open.js";
import { type PgCluster, startPostgres } from "../harness/postgres.js";
import { tempDir } from "../harness/tracking.js";

const claimer = fileURLToPath(new URL("../fixtures/boardClaimer.mjs", import.meta.url));
const TASKS = 500;
const PROCESSES = 4;
const CONNECTIONS = 5;

async function claimAll(url: string): Promise<void> {
  const board = await openBoard(url);
  try {
    for (let i = 0; i < TASKS; i++) await board.create({ title: `task ${i}`, priority: i % 3 });
    const runs = await Promise.all(
      Array.from({ length: PROCESSES }, (_, p) =>
        execa(process.execPath, [claimer, url, `p${p}`, String(CONNECTIONS)], { timeout: 150_000 }),
      ),
    );
    const perClaimer = runs.flatMap((r) => JSON.parse(String(r.stdout)) as string[][]);
    expect(perClaimer).toHaveLength(PROCESSES * CONNECTIONS);
    const finished = perClaimer.flat();
    expect(finished).toHaveLength(TASKS);
    expect(new Set(finished).size).toBe(TASKS);
    // The work was shared: more than one claimer finished tasks.
    expect(perClaimer.filter((ids) => ids.length > 0).length).toBeGreaterThan(1);
    const tasks = await board.list();
    expect(tasks.filter((t) => t.status === "done")).toHaveLength(TASKS);
    expect(tasks.every((t) => t.attempts.length === 1 && t.attempts[0]?.outcome === "done")).toBe(true);
    const claims = new Map<string, number>();
    for (const e of await board.events()) {
      if (e.type === "claimed") claims.set(e.taskId, (claims.get(e.taskId) ?? 0) + 1);
    }
    expect(claims.size).toBe(TASKS);
    expect([...claims.values()].filter((n) => n !== 1)).toEqual([]);
  } finally {
    await board.close();
  }
}

describe("20 claimers × 500 tasks", () => {
  it("on SQLite: several processes on one file, every task done once", async () => {
    await using dir = tempDir("codex-bridge-boardconc-");
    await claimAll(`sqlite:${join(dir.path, "board.db")}`);
  });

  describe("on PostgreSQL", () => {
    let cluster: PgCluster;
    beforeAll(async () => {
      cluster = await startPostgres();
    });
    afterAll(async () => {
      await cluster.stop();
    });

    it("several processes on one database, every task done once", async () => {
      await claimAll(await cluster.createDatabase());
    });
  });
});
