#!/usr/bin/env node
// Ready-to-worker-started latency of the kanban dispatcher, on SQLite and on
// PostgreSQL (a throwaway cluster), side by side with its floor measured in
// the same run on the same app-server: a bare `bridge.startSession()` (thread
// start + the tool endpoint ready), which every worker start includes.
// A task is created (ready at once) while a dispatcher idles; the latency
// runs until its worker session has started and is recorded on the attempt:
//   ready → claimed   the dispatcher's poll (pollMs) and the claim
//   claimed → started prompt, startSession, attachSession
// The workers report through kanban_complete at once (scripted model).
// Run: npm run build && node bench/dispatch.mjs   (TASKS=10 POLLS=1000,100 BACKENDS=sqlite,postgres)
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CodexBridge } from "../dist/codex/bridge.js";
import { Dispatcher } from "../dist/kanban/dispatcher.js";
import { httpToolEndpoint } from "../dist/mcp/httpEndpoint.js";
import { openBoard } from "../dist/store/board/open.js";
import { createMockCodexHome, item, reply, respond, startMockResponses } from "../dist/testing/index.js";
import pg from "pg";
import { startPostgres } from "./lib/postgres.mjs";
import { loadAverage, median } from "./lib/stats.mjs";

const TASKS = Number(process.env.TASKS ?? 10);
const POLLS = (process.env.POLLS ?? "1000,100").split(",").map(Number);
const BACKENDS = (process.env.BACKENDS ?? "sqlite,postgres").split(",");

const root = await mkdtemp(join(tmpdir(), "codex-bridge-bench-dispatch-"));
let n = 0;
const mock = await startMockResponses((r) => {
  const outputs = (r.body.input ?? []).filter((e) => e.type === "function_call_output").length;
  return outputs === 0
    ? respond([item.mcpCall("codex-bridge", "kanban_complete", { summary: "ok" }, { callId: `c${++n}` })])
    : reply.text("Reported.");
});
const home = await createMockCodexHome({ providerUrl: mock.url, parentDir: root });
const cluster = BACKENDS.includes("postgres") ? await startPostgres() : null;
async function createDatabase(name) {
  const admin = new pg.Client({ connectionString: cluster.url("postgres") });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return cluster.url(name);
}

const fmt = (xs) =>
  `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
const rows = [];
try {
  for (const backend of BACKENDS) {
    for (const pollMs of POLLS) {
      const location =
        backend === "sqlite" ? join(root, `board-${pollMs}.db`) : await createDatabase(`bench_${pollMs}`);
      const board = await openBoard(location);
      const bridge = new CodexBridge({
        codexHome: home.path,
        cwd: root,
        store: join(root, `bridge-${backend}-${pollMs}.db`),
        toolServer: { endpoint: httpToolEndpoint({ configPath: false }) },
      });
      // Warm up the app-server and the endpoint, then the floor.
      await (await bridge.startSession({ cwd: root })).close();
      const floor = [];
      for (let i = 0; i < TASKS; i++) {
        const t = performance.now();
        const s = await bridge.startSession({ cwd: root });
        floor.push(performance.now() - t);
        await s.close();
      }
      const waiting = new Map();
      const dispatcher = new Dispatcher({
        board,
        bridge,
        boardLocation: location,
        pollMs,
        maxWorkers: 1,
        leaseMs: 30_000,
        cwd: root,
        onEvent: (e) => {
          const key =
            e.type === "claimed"
              ? e.task.id
              : e.type === "started"
                ? e.taskId
                : e.type === "finished"
                  ? e.report.taskId
                  : null;
          const w = key && waiting.get(key);
          if (!w) return;
          if (e.type === "claimed") w.claimed = Date.now();
          if (e.type === "started") w.started = e.startedAt;
          if (e.type === "finished") w.done(e.report);
        },
      });
      const running = dispatcher.run();
      const total = [];
      const toClaim = [];
      const toStart = [];
      for (let i = 0; i < TASKS; i++) {
        // Let the dispatcher fall idle first: the task arrives between two polls, as it would in use.
        await new Promise((r) => setTimeout(r, pollMs * (0.3 + Math.random() * 0.5)));
        const w = {};
        const finished = new Promise((resolve) => {
          w.done = resolve;
        });
        const created = Date.now();
        const task = await board.create({ title: `bench ${i}`, body: "Report at once." });
        waiting.set(task.id, w);
        const report = await finished;
        if (report.outcome !== "done")
          throw new Error(`task ${task.id} ended ${report.outcome}: ${report.detail}`);
        total.push(w.started - created);
        toClaim.push(w.claimed - created);
        toStart.push(w.started - w.claimed);
      }
      await dispatcher.stop();
      await running;
      await bridge.close();
      await board.close();
      rows.push({ backend, pollMs, total, toClaim, toStart, floor });
    }
  }
} finally {
  await mock.close();
  cluster?.stop();
  await rm(root, { recursive: true, force: true });
}

console.log(`ready → worker started, ${TASKS} tasks each, one at a time (load ${loadAverage()})`);
console.log(
  "| board | pollMs | ready → started | ready → claimed | claimed → started | floor: startSession | ratio to floor |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows) {
  const ratio = median(r.total) / median(r.floor);
  console.log(
    `| ${r.backend} | ${r.pollMs} | ${fmt(r.total)} | ${fmt(r.toClaim)} | ${fmt(r.toStart)} | ${fmt(r.floor)} | ${ratio.toFixed(2)}× |`,
  );
}
