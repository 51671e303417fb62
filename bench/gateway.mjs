#!/usr/bin/env node
// The gateway's cost, side by side in one run, on journal events (no codex:
// the journal is the gateway's event source, so events are appended to the
// store directly, as a turn's flush would):
//   replay  — N journal events of one session read by a subscriber: in process
//             (LocalRuntime.subscribe) vs through the gateway to a WebSocket client
//             (events/s and the ratio gateway / in-process)
//   follow  — C WebSocket clients, each following its own session while events
//             are appended live: delivery latency p50/p95 (append → client) and RSS
// Run: npm run build && node bench/gateway.mjs   (EVENTS=100000 CLIENTS=100 LIVE=20 to change)
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { CodexBridge } from "../dist/codex/bridge.js";
import { GatewayServer, listenWebSocket } from "../dist/gateway/index.js";
import { LocalRuntime } from "../dist/runtime/local.js";
import { loadAverage } from "./lib/stats.mjs";

const EVENTS = Number(process.env.EVENTS ?? 100_000);
const CLIENTS = Number(process.env.CLIENTS ?? 100);
const LIVE = Number(process.env.LIVE ?? 20);

const dir = await mkdtemp(join(tmpdir(), "codex-bridge-bench-gw-"));
const bridge = new CodexBridge({ store: join(dir, "bridge.db") });
const store = bridge.store;
const runtime = new LocalRuntime({ bridge });
const gateway = new GatewayServer({ runtime, maxBufferedBytes: 256 * 1024 * 1024 });
const listener = await listenWebSocket(gateway);

const session = (id) =>
  store.createSession({
    id,
    threadId: null,
    cwd: dir,
    model: null,
    title: null,
    status: "idle",
    options: {},
  });
const delta = (i) => ({ type: "text.delta", itemId: "msg-1", delta: `chunk ${i} `.padEnd(40, "x") });

function connect() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(listener.url);
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}
let nextId = 1;
function subscribe(ws, sessionId, onEvent) {
  const id = nextId++;
  ws.on("message", (data) => {
    const m = JSON.parse(data.toString());
    if (m.method === "event") onEvent(m.params.event);
  });
  ws.send(JSON.stringify({ id, method: "events.subscribe", params: { sessionId } }));
}

// Replay
session("replay");
const t0 = performance.now();
store.db.transaction(() => {
  for (let i = 0; i < EVENTS; i++) store.appendEvent("replay", "t1", "text.delta", delta(i));
})();
const appendMs = performance.now() - t0;

let start = performance.now();
let count = 0;
await new Promise((resolve) => {
  void runtime.subscribe({ sessionId: "replay" }, () => {
    if (++count === EVENTS) resolve();
  });
});
const inProcessMs = performance.now() - start;

const ws = await connect();
start = performance.now();
count = 0;
await new Promise((resolve) =>
  subscribe(ws, "replay", () => {
    if (++count === EVENTS) resolve();
  }),
);
const wireMs = performance.now() - start;
ws.close();

// Follow: CLIENTS sessions, each followed by one client; LIVE rounds of one event per session.
const clients = [];
const latencies = [];
for (let c = 0; c < CLIENTS; c++) {
  session(`follow-${c}`);
  const w = await connect();
  let ready;
  const first = new Promise((r) => (ready = r));
  subscribe(w, `follow-${c}`, (event) => {
    if (event.event.type === "ready") return ready();
    latencies.push(Date.now() - event.event.sentAt);
  });
  store.appendEvent(`follow-${c}`, null, "ready", { type: "ready" });
  await first;
  clients.push(w);
}
for (let round = 0; round < LIVE; round++) {
  for (let c = 0; c < CLIENTS; c++)
    store.appendEvent(`follow-${c}`, null, "tick", { type: "tick", sentAt: Date.now() });
  await new Promise((r) => setTimeout(r, 20));
}
const deadline = Date.now() + 30_000;
while (latencies.length < CLIENTS * LIVE && Date.now() < deadline)
  await new Promise((r) => setTimeout(r, 20));
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
const rssMb = (process.memoryUsage().rss / 1024 / 1024).toFixed(0);

for (const w of clients) w.close();
await listener.close();
await gateway.close();
await bridge.close();
await rm(dir, { recursive: true, force: true });

const rate = (ms) => Math.round(EVENTS / (ms / 1000)).toLocaleString("en-US");
console.log(
  `gateway bench (load ${loadAverage()}), ${EVENTS} journal events (appended in ${appendMs.toFixed(0)} ms)`,
);
console.log(`replay in process   ${inProcessMs.toFixed(0)} ms  ${rate(inProcessMs)} events/s`);
console.log(
  `replay over ws      ${wireMs.toFixed(0)} ms  ${rate(wireMs)} events/s  (${(wireMs / inProcessMs).toFixed(1)}x in process)`,
);
console.log(
  `follow ${CLIENTS} ws clients × ${LIVE} live events: delivered ${latencies.length}/${CLIENTS * LIVE}, latency p50 ${pct(50)} ms p95 ${pct(95)} ms, RSS ${rssMb} MB (gateway + clients in one process)`,
);
