#!/usr/bin/env node
// Board throughput: claim → finish cycles per second on SQLite and on
// PostgreSQL (a throwaway cluster, or PG_URL's server), with 1 and 8
// concurrent claimers, each against a floor measured in the same run: the
// least SQL that does the same (one transaction selecting the best ready row
// and marking it running, one marking it done), without the board's checks,
// attempts, leases and event log. Ratios are board / floor (1.0 = as fast as
// the bare SQL); RUNS rounds, median (min–max).
// Run: npm run build && node bench/kanban.mjs     (TASKS=2000 RUNS=5 for more)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { openBoard } from "../dist/store/board/open.js";
import { startPostgres } from "./lib/postgres.mjs";
import { loadAverage, median, spread } from "./lib/stats.mjs";

const TASKS = Number(process.env.TASKS ?? 1000);
const RUNS = Number(process.env.RUNS ?? 3);
const CLAIMERS = [1, 8];

async function boardRate(url, claimers) {
  const setup = await openBoard(url);
  for (let i = 0; i < TASKS; i++) await setup.create({ title: `t${i}`, priority: i % 3 });
  const boards = await Promise.all(Array.from({ length: claimers }, () => openBoard(url)));
  const start = performance.now();
  await Promise.all(
    boards.map(async (board, i) => {
      for (;;) {
        const [task] = await board.claim({ holder: `h${i}`, leaseMs: 600_000 });
        if (!task) return;
        await board.finish(task.id, `h${i}`, { outcome: "done", summary: "ok" });
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  await Promise.all([setup, ...boards].map((b) => b.close()));
  return TASKS / seconds;
}

const FLOOR_TABLE = "CREATE TABLE t (n INTEGER PRIMARY KEY, status TEXT NOT NULL, priority INTEGER NOT NULL)";

function sqliteFloor(file) {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec(FLOOR_TABLE);
  db.exec("CREATE INDEX t_ready ON t(status, priority DESC, n)");
  const insert = db.prepare("INSERT INTO t (status, priority) VALUES ('ready', ?)");
  for (let i = 0; i < TASKS; i++) insert.run(i % 3);
  const pick = db.prepare("SELECT n FROM t WHERE status = 'ready' ORDER BY priority DESC, n LIMIT 1");
  const set = db.prepare("UPDATE t SET status = ? WHERE n = ?");
  const claim = db.transaction(() => {
    const row = pick.get();
    if (row) set.run("running", row.n);
    return row;
  });
  const start = performance.now();
  for (let row = claim.immediate(); row; row = claim.immediate()) set.run("done", row.n);
  const rate = TASKS / ((performance.now() - start) / 1000);
  db.close();
  return rate;
}

async function pgFloor(url, claimers) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(FLOOR_TABLE.replace("INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY"));
  await admin.query("CREATE INDEX t_ready ON t(status, priority DESC, n)");
  await admin.query("INSERT INTO t (status, priority) SELECT 'ready', g % 3 FROM generate_series(1, $1) g", [
    TASKS,
  ]);
  await admin.end();
  const clients = await Promise.all(
    Array.from({ length: claimers }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  const start = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      for (;;) {
        await c.query("BEGIN");
        const { rows } = await c.query(
          "SELECT n FROM t WHERE status = 'ready' ORDER BY priority DESC, n LIMIT 1 FOR UPDATE SKIP LOCKED",
        );
        if (rows[0]) await c.query("UPDATE t SET status = 'running' WHERE n = $1", [rows[0].n]);
        await c.query("COMMIT");
        if (!rows[0]) return;
        await c.query("UPDATE t SET status = 'done' WHERE n = $1", [rows[0].n]);
      }
    }),
  );
  const rate = TASKS / ((performance.now() - start) / 1000);
  await Promise.all(clients.map((c) => c.end()));
  return rate;
}

async function createDb(cluster, name) {
  const admin = new pg.Client({ connectionString: cluster.url("postgres") });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return cluster.url(name);
}

const dir = mkdtempSync(join(tmpdir(), "codex-bridge-bench-kanban-"));
const cluster = process.env.PG_URL ? undefined : await startPostgres();
let db = 0;
const pgUrl = async () => {
  if (!cluster) throw new Error("PG_URL runs reuse one database: start without PG_URL for fresh ones");
  return createDb(cluster, `bench_${db++}`);
};
try {
  console.log(
    `board throughput: ${TASKS} tasks, claim → finish per task, ${RUNS} rounds; load ${loadAverage()}`,
  );
  for (const claimers of CLAIMERS) {
    const rows = { sqlite: { board: [], floor: [] }, postgres: { board: [], floor: [] } };
    for (let r = 0; r < RUNS; r++) {
      rows.sqlite.board.push(await boardRate(`sqlite:${join(dir, `b${r}-${claimers}.db`)}`, claimers));
      rows.sqlite.floor.push(sqliteFloor(join(dir, `f${r}-${claimers}.db`)));
      rows.postgres.board.push(await boardRate(await pgUrl(), claimers));
      rows.postgres.floor.push(await pgFloor(await pgUrl(), claimers));
    }
    for (const [name, { board, floor }] of Object.entries(rows)) {
      const ratios = board.map((b, i) => b / floor[i]);
      console.log(
        `${name.padEnd(8)} ${claimers} claimer(s): board ${median(board).toFixed(0)}/s, floor ${median(floor).toFixed(0)}/s, board/floor ${spread(ratios)}`,
      );
    }
  }
} finally {
  cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
}
