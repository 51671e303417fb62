#!/usr/bin/env node
// Per-session cost, side by side in one run, against a raw client (plain
// Node, JSON lines to the same codex app-server, no library) on the same
// pinned codex and the same scripted model, served from its own process:
//   raw    — bench/lib/rawClient.mjs (the floor: no tools)
//   http   — CodexBridge, its tools served from this process over HTTP (toolServer.endpoint)
//   httpN  — http with maxAppServers: N (e.g. http1, http4; KINDS_MANY=raw,http1,http4 for the start-all row)
//   stdio  — CodexBridge, its tools in a `codex-bridge mcp-serve` process per thread
//   nostore— CodexBridge with HTTP tools and no store (stream row only: what the journal costs)
//   none   — CodexBridge without its tool server (what the bridge itself costs)
//   sdk    — @openai/codex-sdk, `codex exec` per turn (turns row only)
//   acp    — @zed-industries/codex-acp over ACP, when CODEX_ACP_BIN names its binary (turns row only)
// Rows: per turn (20 sequential), new session (thread start + first turn, tools
// ready), 64 concurrent sessions (start all, RSS), one 2 MB reply as 20k deltas.
// Everything runs RUNS times; ratios to raw are reported as median (min–max).
// Run: npm run bench:session    (RUNS=5 SESSIONS=32 ROWS=turns,stream … to change)
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Codex } from "@openai/codex-sdk";
import { resolveCodexBinary } from "../dist/codex/binary.js";
import { CodexBridge } from "../dist/codex/bridge.js";
import { httpToolEndpoint } from "../dist/mcp/httpEndpoint.js";
import { builtinTools, dynamicToolProvider } from "../dist/mcp/public.js";
import { createMockCodexHome } from "../dist/testing/index.js";
import { startAcpClient } from "./lib/acpClient.mjs";
import { startMockProcess } from "./lib/mockProcess.mjs";
import { startRawClient } from "./lib/rawClient.mjs";
import { loadAverage, median, spread, treeCpu, treeRss } from "./lib/stats.mjs";

const RUNS = Number(process.env.RUNS ?? 3);
const TURNS = Number(process.env.TURNS ?? 20);
const NEW_SESSIONS = Number(process.env.NEW_SESSIONS ?? 8);
const SESSIONS = Number(process.env.SESSIONS ?? 64);
const STREAMS = Number(process.env.STREAMS ?? 3);
const ROWS = (process.env.ROWS ?? "turns,newSession,many,stream").split(",");
const SDK = process.env.SDK !== "0";
// @zed-industries/codex-acp is not a dependency: point CODEX_ACP_BIN at its binary to add it to the turns row.
const ACP_BIN = process.env.CODEX_ACP_BIN;
const kindsOf = (row, fallback) => (process.env[`KINDS_${row.toUpperCase()}`] ?? fallback).split(",");
const KINDS = {
  turns: kindsOf("turns", `raw,http,stdio${SDK ? ",sdk" : ""}${ACP_BIN ? ",acp" : ""}`),
  newSession: kindsOf("newSession", "raw,http,dynamic,stdio"),
  many: kindsOf("many", "raw,http,http4,dynamic,none,stdio"),
  stream: kindsOf("stream", "raw,http,nostore"),
};
const others = (row) => KINDS[row].filter((k) => k !== "raw");

const codex = await resolveCodexBinary();
const root = await mkdtemp(join(tmpdir(), "codex-bridge-bench-"));
const okMock = await startMockProcess("ok");
const bigMock = await startMockProcess("big");
const okHome = await createMockCodexHome({ providerUrl: okMock.url, parentDir: root });
const bigHome = await createMockCodexHome({ providerUrl: bigMock.url, parentDir: root });
const workdir = await mkdtemp(join(root, "work-"));
let stores = 0;

/** A client of one kind on its own app-server: `session()` gives something with `run(text)`. */
async function client(kind, codexHome) {
  if (kind === "raw") {
    const raw = await startRawClient({ codexBin: codex.path, codexHome, cwd: workdir });
    return {
      pids: async () => [raw.pid],
      async session() {
        const threadId = await raw.startThread();
        return {
          run: async (text) => {
            const status = await raw.turn(threadId, text);
            if (status !== "completed") throw new Error(`raw turn ${status}`);
          },
          close: async () => undefined,
        };
      },
      close: () => raw.close(),
    };
  }
  if (kind === "acp") {
    const acp = await startAcpClient({ bin: ACP_BIN, codexHome, cwd: workdir });
    return {
      pids: async () => [],
      async session() {
        const id = await acp.startSession();
        return {
          run: async (text) => {
            const stop = await acp.prompt(id, text);
            if (stop !== "end_turn") throw new Error(`acp turn ended ${stop}`);
          },
          close: async () => undefined,
        };
      },
      close: () => acp.close(),
    };
  }
  if (kind === "sdk") {
    const sdk = new Codex({ codexPathOverride: codex.path, env: { ...process.env, CODEX_HOME: codexHome } });
    return {
      pids: async () => [],
      async session() {
        const thread = sdk.startThread({
          workingDirectory: workdir,
          skipGitRepoCheck: true,
          sandboxMode: "read-only",
        });
        return { run: (text) => thread.run(text), close: async () => undefined };
      },
      close: async () => undefined,
    };
  }
  const bridge = new CodexBridge({
    codexHome,
    cwd: workdir,
    store: kind === "nostore" ? false : join(root, `bridge-${stores++}.db`),
    recycleAfterClosed: 0,
    ...(kind === "stdio"
      ? {}
      : kind === "none"
        ? { toolServer: false }
        : kind === "dynamic"
          ? { dynamicTools: dynamicToolProvider(builtinTools()) }
          : kind === "http-nowait"
            ? { toolServer: { endpoint: httpToolEndpoint({ configPath: false }), readyTimeoutMs: 0 } }
            : /^http\d+$/.test(kind)
              ? {
                  toolServer: { endpoint: httpToolEndpoint({ configPath: false }) },
                  maxAppServers: Number(kind.slice(4)),
                }
              : { toolServer: { endpoint: httpToolEndpoint({ configPath: false }) } }),
  });
  return {
    // Every app-server of the bridge (a burst of sessions is spread over up to maxAppServers).
    pids: async () => {
      await bridge.client();
      return bridge.processIds;
    },
    async session() {
      const session = await bridge.startSession({ cwd: workdir });
      return {
        run: async (text) => {
          const r = await session.run(text);
          if (r.status !== "completed") throw new Error(`bridge turn ${r.status}: ${r.error?.message}`);
        },
        close: () => session.close(),
      };
    },
    close: () => bridge.close(),
  };
}

/** The tree's RSS once its process count has stayed the same for 1.5 s (at most 20 s). */
async function settledTree(pid) {
  let last = treeRss(pid);
  let stable = 0;
  for (let i = 0; i < 40 && stable < 3; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const now = treeRss(pid);
    stable = now.count === last.count ? stable + 1 : 0;
    last = now;
  }
  return last;
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0);

const timed = async (fn) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

/** Per turn: one session each, turns alternating between kinds. Median ms per kind. */
async function rowTurns() {
  const kinds = KINDS.turns;
  const clients = Object.fromEntries(
    await Promise.all(kinds.map(async (k) => [k, await client(k, okHome.path)])),
  );
  try {
    const sessions = {};
    for (const k of kinds) {
      sessions[k] = await clients[k].session();
      await sessions[k].run("warm up");
    }
    const times = Object.fromEntries(kinds.map((k) => [k, []]));
    for (let i = 0; i < TURNS; i++) {
      for (const k of kinds) times[k].push(await timed(() => sessions[k].run(`turn ${i}: remember ${i}`)));
    }
    return Object.fromEntries(kinds.map((k) => [k, median(times[k])]));
  } finally {
    for (const k of kinds) await clients[k].close();
  }
}

/** New session on a warm app-server: thread start (tools ready) + first turn. Median ms per kind. */
async function rowNewSession() {
  const kinds = KINDS.newSession;
  const clients = Object.fromEntries(
    await Promise.all(kinds.map(async (k) => [k, await client(k, okHome.path)])),
  );
  try {
    for (const k of kinds) await (await clients[k].session()).run("warm up");
    const times = Object.fromEntries(kinds.map((k) => [k, []]));
    for (let i = 0; i < NEW_SESSIONS; i++) {
      for (const k of kinds) {
        let s;
        times[k].push(
          await timed(async () => {
            s = await clients[k].session();
            await s.run("first turn");
          }),
        );
        await s.close();
      }
    }
    return Object.fromEntries(kinds.map((k) => [k, median(times[k])]));
  } finally {
    for (const k of kinds) await clients[k].close();
  }
}

/** SESSIONS sessions started at once on a fresh app-server: time to start all, RSS of codex and its children. */
async function rowMany() {
  const out = {};
  for (const k of KINDS.many) {
    const c = await client(k, okHome.path);
    try {
      const before = await c.pids();
      global.gc?.();
      const nodeBefore = process.memoryUsage().rss;
      const cpuBefore = sum(before.map(treeCpu));
      const nodeCpuBefore = process.cpuUsage();
      const ms = await timed(() => Promise.all(Array.from({ length: SESSIONS }, () => c.session())));
      const nodeCpu = process.cpuUsage(nodeCpuBefore);
      // Processes spawned during the burst count whole (all their CPU was spent starting sessions).
      const pids = await c.pids();
      const codexCpu = sum(pids.map(treeCpu)) - cpuBefore;
      // codex runs short-lived helpers as threads start: measure once the process trees have settled.
      const trees = await Promise.all(pids.map(settledTree));
      global.gc?.();
      out[k] = {
        ms,
        rss: sum(trees.map((t) => t.rss)),
        procs: sum(trees.map((t) => t.count)),
        servers: pids.length,
        nodeRss: process.memoryUsage().rss - nodeBefore,
        codexCpu,
        nodeCpu: (nodeCpu.user + nodeCpu.system) / 1000,
      };
    } finally {
      await c.close();
    }
  }
  return out;
}

/** One 2 MB answer as 20k deltas: wall time to the last event and this process's CPU, median per kind. */
async function rowStream() {
  const kinds = KINDS.stream;
  const clients = Object.fromEntries(
    await Promise.all(kinds.map(async (k) => [k, await client(k, bigHome.path)])),
  );
  try {
    const times = Object.fromEntries(kinds.map((k) => [k, []]));
    const cpu = Object.fromEntries(kinds.map((k) => [k, []]));
    for (let i = 0; i < STREAMS; i++) {
      for (const k of kinds) {
        const s = await clients[k].session();
        const before = process.cpuUsage();
        times[k].push(await timed(() => s.run("write a lot")));
        const used = process.cpuUsage(before);
        cpu[k].push((used.user + used.system) / 1000);
        await s.close();
      }
    }
    return Object.fromEntries(kinds.map((k) => [k, { ms: median(times[k]), cpu: median(cpu[k]) }]));
  } finally {
    for (const k of kinds) await clients[k].close();
  }
}

const runs = [];
const loads = [loadAverage()];
try {
  for (let r = 0; r < RUNS; r++) {
    const run = {};
    if (ROWS.includes("turns")) run.turns = await rowTurns();
    if (ROWS.includes("newSession")) run.newSession = await rowNewSession();
    if (ROWS.includes("many")) run.many = await rowMany();
    if (ROWS.includes("stream")) run.stream = await rowStream();
    runs.push(run);
    loads.push(loadAverage());
    process.stderr.write(`run ${r + 1}/${RUNS}: ${JSON.stringify(run)}\n`);
  }
} finally {
  await okMock.close();
  await bigMock.close();
  await rm(root, { recursive: true, force: true });
}

const ms = (x) => `${x.toFixed(1)} ms`;
const mb = (x) => `${(x / 1024 / 1024).toFixed(0)} MB`;
const col = (row, kind, pick = (v) => v) => runs.map((run) => pick(run[row][kind]));
const ratio = (row, kind, pick = (v) => v) => runs.map((run) => pick(run[row][kind]) / pick(run[row].raw));
const vals = (xs, f) => xs.map(f).join(" / ");
console.log(
  `codex ${codex.version}; ${RUNS} runs; load average (1/5/15 min) before and after each run: ${loads.join(" → ")}`,
);
console.log("| row | raw | kind | value per run | ratio to raw: median (min–max) |");
console.log("|---|---|---|---|---|");
const line = (row, kinds, pick, fmt) => {
  for (const k of kinds) {
    console.log(
      `| ${row} | ${vals(col(row.key, "raw", pick), fmt)} | ${k} | ${vals(col(row.key, k, pick), fmt)} | ${spread(ratio(row.key, k, pick))} |`,
    );
  }
};
if (ROWS.includes("turns"))
  line({ key: "turns", toString: () => `per turn (${TURNS} sequential)` }, others("turns"), undefined, ms);
if (ROWS.includes("newSession"))
  line(
    { key: "newSession", toString: () => "new session: thread start + first turn" },
    others("newSession"),
    undefined,
    ms,
  );
if (ROWS.includes("many")) {
  line({ key: "many", toString: () => `${SESSIONS} sessions: start all` }, others("many"), (v) => v.ms, ms);
  line(
    { key: "many", toString: () => `${SESSIONS} sessions: RSS of codex + children` },
    others("many"),
    (v) => v.rss,
    mb,
  );
  line(
    { key: "many", toString: () => `${SESSIONS} sessions: CPU of codex + children while starting` },
    others("many"),
    (v) => v.codexCpu,
    ms,
  );
  line(
    { key: "many", toString: () => `${SESSIONS} sessions: CPU of this process while starting` },
    others("many"),
    (v) => v.nodeCpu,
    ms,
  );
  for (const k of others("many")) {
    const extra = runs.map(
      (run) =>
        (run.many[k].rss - run.many.raw.rss + Math.max(0, run.many[k].nodeRss)) / SESSIONS / 1024 / 1024,
    );
    console.log(
      `| ${SESSIONS} sessions: extra RSS per session beyond raw (codex tree + this process) | | ${k} | ${vals(extra, (x) => `${x.toFixed(1)} MB`)} | processes: ${vals(
        col("many", k, (v) => v.procs),
        String,
      )} (raw ${vals(
        col("many", "raw", (v) => v.procs),
        String,
      )}), app-servers: ${vals(
        col("many", k, (v) => v.servers),
        String,
      )} |`,
    );
  }
}
if (ROWS.includes("stream")) {
  line(
    { key: "stream", toString: () => "2 MB reply (20k deltas): to last event" },
    others("stream"),
    (v) => v.ms,
    ms,
  );
  line({ key: "stream", toString: () => "2 MB reply: node CPU" }, others("stream"), (v) => v.cpu, ms);
}
