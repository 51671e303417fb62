#!/usr/bin/env node
// The gateway's cost, side by side in one run, on the real codex and the
// scripted model (the journal: one real turn, then filled to EVENTS through the store):
//   replay  — a session's journal (EVENTS events) read after seq 0: in-process
//             (LocalRuntime.subscribe) vs through the gateway to a WebSocket
//             client (RemoteRuntime over ws): events/s and the ratio;
//   live    — one turn of LIVE deltas followed by an in-process subscriber and
//             a WebSocket client at once: how far behind the client finishes;
//   fanout  — CLIENTS WebSocket clients each following a session (SESSIONS
//             sessions) while a turn runs in each: per-event latency from the
//             journal commit (`at`) to the client (p50/p95), and this process's
//             RSS before and with the clients connected (gateway and clients
//             share the process).
// Run: npm run build && node bench/gateway.mjs   (EVENTS=100000 CLIENTS=100 … to change)
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CodexBridge } from "../dist/codex/bridge.js";
import { GatewayServer } from "../dist/gateway/server.js";
import { listenWebSocket } from "../dist/gateway/ws.js";
import { connect } from "../dist/runtime/clientNode.js";
import { LocalRuntime } from "../dist/runtime/local.js";
import { createMockCodexHome, item, respond, startMockResponses } from "../dist/testing/index.js";
import { loadAverage } from "./lib/stats.mjs";

const EVENTS = Number(process.env.EVENTS ?? 100_000);
const LIVE = Number(process.env.LIVE ?? 20_000);
const CLIENTS = Number(process.env.CLIENTS ?? 100);
const SESSIONS = Number(process.env.SESSIONS ?? 10);
const FANOUT_DELTAS = Number(process.env.FANOUT_DELTAS ?? 1_000);

function lastUserText(request) {
  const input = request.body.input ?? [];
  for (let i = input.length - 1; i >= 0; i--) {
    const e = input[i];
    if (e.type !== "message" || e.role !== "user") continue;
    return typeof e.content === "string" ? e.content : e.content.map((c) => c.text ?? "").join("");
  }
  return "";
}

const percentile = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);

/** Follows `sessionId` after `after` until `done(event)`; resolves with {count, ms}. */
function follow(runtime, sessionId, after, done, onEvent = () => {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let count = 0;
    let sub;
    runtime
      .subscribe({ sessionId, after }, (e) => {
        count++;
        onEvent(e);
        if (done(e, count)) {
          const ms = performance.now() - t0;
          void Promise.resolve(sub?.close()).then(() => resolve({ count, ms }));
        }
      })
      .then((s) => {
        sub = s;
        void s.closed.then((error) => error && reject(error));
      }, reject);
  });
}

const mock = await startMockResponses((request) => {
  const n = Number(/^many:(\d+)/.exec(lastUserText(request))?.[1] ?? 10);
  return respond([item.message("x".repeat(n), { deltas: n })]);
});
const home = await createMockCodexHome({ providerUrl: mock.url });
const dir = await mkdtemp(join(tmpdir(), "codex-bridge-bench-gw-"));
const bridge = new CodexBridge({ codexHome: home.path, cwd: dir, store: join(dir, "bridge.db") });
const local = new LocalRuntime({ bridge });
const gateway = new GatewayServer({ runtime: local });
const listener = await listenWebSocket(gateway);
const rows = [];
try {
  console.log(`load ${loadAverage()}; filling the journal with ${EVENTS} events…`);
  // One real turn, then the journal filled to EVENTS with copies of its deltas written to the store
  // (huge turns through codex with the mock model have been seen to stall it).
  const session = await local.startSession({ cwd: dir });
  const real = await local.startTurn({ sessionId: session.id, input: "many:1000" });
  await local.waitTurn(session.id, real.turnId);
  const store = bridge.store;
  for (let seq = (await local.readSession(session.id)).lastSeq; seq < EVENTS; seq++) {
    store.appendEvent(session.id, real.turnId, "text.delta", {
      type: "text.delta",
      itemId: "msg-fill",
      delta: "x",
    });
  }
  const { lastSeq } = await local.readSession(session.id);

  // Replay.
  // Reconnecting: a replay burst past the gateway's send-buffer bound (16 MiB) disconnects the client as a
  // slow consumer (4008); it resumes from its cursor. The count is reported.
  let drops = 0;
  const remote = await connect(listener.url, {
    reconnect: true,
    onConnectionState: (state) => {
      if (state === "reconnecting") drops++;
    },
  });
  const inProcess = await follow(local, session.id, 0, (e) => e.seq === lastSeq);
  const overWs = await follow(remote, session.id, 0, (e) => e.seq === lastSeq);
  rows.push([
    `replay ${lastSeq} events`,
    `in-process ${Math.round(inProcess.ms)} ms (${Math.round(lastSeq / (inProcess.ms / 1000))}/s)`,
    `ws ${Math.round(overWs.ms)} ms (${Math.round(lastSeq / (overWs.ms / 1000))}/s)`,
    `ratio ws/in-process ${(overWs.ms / inProcess.ms).toFixed(2)}`,
    `${drops} slow-consumer reconnection(s)`,
  ]);

  // Live: both follow one turn from its start.
  const before = (await local.readSession(session.id)).lastSeq;
  const isEnd = (e) => e.event.type === "turn.completed";
  const t0 = performance.now();
  const both = [follow(local, session.id, before, isEnd), follow(remote, session.id, before, isEnd)];
  await new Promise((r) => setTimeout(r, 100));
  await local.startTurn({ sessionId: session.id, input: `many:${LIVE}` });
  const [a, b] = await Promise.all(both);
  const total = performance.now() - t0;
  rows.push([
    `live turn, ${a.count} events`,
    `in-process done at ${Math.round(a.ms)} ms`,
    `ws done at ${Math.round(b.ms)} ms`,
    `ws/in-process ${(b.ms / a.ms).toFixed(3)} (turn ${Math.round(total)} ms, ${Math.round(a.count / (a.ms / 1000))} events/s)`,
  ]);
  await remote.close();

  // Fan-out: CLIENTS clients over SESSIONS sessions, one turn per session.
  const rssBefore = rssMb();
  const sessions = [];
  for (let i = 0; i < SESSIONS; i++) sessions.push(await local.startSession({ cwd: dir }));
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => connect(listener.url)));
  const latencies = [];
  const follows = clients.map((c, i) => {
    const s = sessions[i % SESSIONS];
    return follow(c, s.id, s.lastSeq, isEnd, (e) => latencies.push(Date.now() - e.at));
  });
  await new Promise((r) => setTimeout(r, 200));
  const rssClients = rssMb();
  await Promise.all(
    sessions.map((s) => local.startTurn({ sessionId: s.id, input: `many:${FANOUT_DELTAS}` })),
  );
  await Promise.all(follows);
  rows.push([
    `${CLIENTS} ws clients, ${SESSIONS} sessions × ${FANOUT_DELTAS} deltas`,
    `latency p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms (${latencies.length} deliveries)`,
    `RSS ${rssBefore} MB → ${rssClients} MB with clients, ${rssMb()} MB after the turns`,
  ]);
  await Promise.all(clients.map((c) => c.close()));
} finally {
  await listener.close();
  await gateway.close();
  await bridge.close();
  await mock.close();
  await home.remove();
  await rm(dir, { recursive: true, force: true });
}
console.log(`\n${rows.map((r) => r.join(" | ")).join("\n")}`);
console.log(`load ${loadAverage()}`);
process.exit(0);
