#!/usr/bin/env node
// The web console's weight and speed, side by side in one run:
//   page weight: the bundle's JS and CSS (dist/console/assets), raw and gzipped (level 9);
//   time to first transcript paint of a stored 1,000-message session (500 turns of
//   a user message and an assistant answer, journalled in the store the gateway
//   serves), from navigation start to the first entry painted and to all 1,000
//   messages shown, vs the same page opening an empty session (the floor: page
//   load + connect + subscribe), and the WebSocket frames that took. Debian's Chromium,
//   headless, through playwright-core.
// Run: npm run build && node bench/console.mjs      (RUNS=5 MESSAGES=2000 for more)
/* global window, document, MutationObserver, requestAnimationFrame -- page.evaluate bodies run in the browser */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { connect } from "../dist/runtime/clientNode.js";
import { BridgeStore } from "../dist/store/index.js";
import { createMockCodexHome, reply, startMockResponses } from "../dist/testing/index.js";
import { loadAverage, median, spread } from "./lib/stats.mjs";

const RUNS = Number(process.env.RUNS ?? 3);
const MESSAGES = Number(process.env.MESSAGES ?? 1000);
const root = fileURLToPath(new URL("..", import.meta.url));
const assets = join(root, "dist/console/assets");

// Page weight.
const weight = { js: [0, 0], css: [0, 0] };
for (const name of readdirSync(assets)) {
  const kind = name.endsWith(".js") ? "js" : name.endsWith(".css") ? "css" : null;
  if (!kind) continue;
  const bytes = readFileSync(join(assets, name));
  weight[kind][0] += bytes.length;
  weight[kind][1] += gzipSync(bytes, { level: 9 }).length;
}
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

// A store with a long session and an empty one.
const bridgeHome = mkdtempSync(join(tmpdir(), "console-bench-"));
const store = BridgeStore.open(join(bridgeHome, "bridge.db"));
const base = { threadId: null, cwd: bridgeHome, model: "mock-model", status: "idle", options: {} };
store.createSession({ ...base, id: "long", title: `${MESSAGES} messages` });
store.createSession({ ...base, id: "empty", title: "empty" });
const t0 = Date.now();
for (let turn = 0; turn < MESSAGES / 2; turn++) {
  const turnId = `turn-${turn}`;
  const text = `Answer ${turn}: some **Markdown** with \`code\`, a [link](https://example.com/${turn}) and a list:\n\n- one\n- two\n`;
  const ev = (type, payload) => store.appendEvent("long", turnId, type, payload, t0 + turn);
  ev("turn.started", {});
  const user = {
    type: "userMessage",
    id: `u-${turn}`,
    content: [{ type: "text", text: `Question ${turn}?` }],
  };
  ev("item.completed", { item: user, messages: [] });
  ev("item.started", { item: { type: "agentMessage", id: `a-${turn}`, text: "" } });
  ev("text.delta", { itemId: `a-${turn}`, delta: text });
  ev("item.completed", { item: { type: "agentMessage", id: `a-${turn}`, text }, messages: [] });
  const usage = {
    inputTokens: 10,
    cachedInputTokens: 0,
    outputTokens: 20,
    reasoningOutputTokens: 0,
    totalTokens: 30,
  };
  ev("turn.completed", {
    result: {
      status: "completed",
      finalText: text,
      messages: [],
      items: [],
      usage,
      sessionId: "long",
      threadId: "t",
      turnId,
    },
  });
}
store.close();

const mock = await startMockResponses(() => reply.text("unused"));
const home = await createMockCodexHome({ providerUrl: mock.url });
const env = {
  PATH: process.env.PATH ?? "",
  HOME: bridgeHome,
  CODEX_HOME: home.path,
  CODEX_BRIDGE_HOME: bridgeHome,
};
const gateway = spawn(
  process.execPath,
  [join(root, "bin/codex-bridge.js"), "serve", "--listen", "127.0.0.1:0"],
  { env, stdio: ["ignore", "pipe", "pipe"] },
);
let stderr = "";
gateway.stderr.on("data", (d) => (stderr += d));
const wsUrl = await new Promise((resolve, reject) => {
  let out = "";
  gateway.stdout.on("data", (d) => {
    out += d;
    const m = /ws:\/\/\S+/.exec(out);
    if (m) resolve(m[0]);
  });
  gateway.on("exit", (code) => reject(new Error(`gateway exited ${code}: ${stderr}`)));
});
const url = `${wsUrl.replace(/^ws:/, "http:").replace(/\/$/, "")}/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--no-first-run",
  ],
});

/** ms from navigation start to the first transcript entry painted, and to `expected` messages shown. */
async function open(sessionId, expected) {
  const context = await browser.newContext();
  const page = await context.newPage();
  // WebSocket frames the page received (the gateway batches a replay: a few dozen, not one per event).
  const wire = { frames: 0 };
  page.on("websocket", (ws) => ws.on("framereceived", () => wire.frames++));
  await page.addInitScript(() => {
    const marks = (window.__marks = {});
    new MutationObserver(() => {
      const list = document.querySelector(".transcript");
      if (!list) return;
      if (marks.first === undefined && list.children.length > 0) marks.first = performance.now();
      marks.messages = list.querySelectorAll(".msg").length;
      marks.last = performance.now();
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(`${url}#/s/${sessionId}`);
  if (expected > 0) {
    await page.waitForFunction((n) => window.__marks.messages >= n, expected, { timeout: 120_000 });
  } else {
    await page.waitForFunction(
      () =>
        document.querySelector(".transcript[data-last-seq]") !== null &&
        document.querySelector('[data-connection="open"]'),
    );
    await page.waitForFunction(() => document.querySelector(".session-head dd")?.textContent !== "…");
  }
  // One frame later the browser has painted what the last mutation added.
  const marks = await page.evaluate(
    () =>
      new Promise((resolve) =>
        requestAnimationFrame(() => resolve({ ...window.__marks, painted: performance.now() })),
      ),
  );
  await context.close();
  return { ...marks, wire };
}

/** ms for a Node client (codex-bridge/client over ws) to receive the whole replay of `sessionId`: the page's transport floor. */
async function nodeReplay(sessionId) {
  const runtime = await connect(wsUrl);
  const started = performance.now();
  const last = (await runtime.readSession(sessionId)).lastSeq;
  let done;
  const finished = new Promise((resolve) => (done = resolve));
  const sub = await runtime.subscribe({ sessionId, after: 0 }, (e) => {
    if (e.seq >= last) done();
  });
  await finished;
  const ms = performance.now() - started;
  await sub.close();
  await runtime.close();
  return ms;
}

const rows = { empty: [], first: [], all: [], ratio: [], node: [], frames: [] };
try {
  await open("empty", 0); // warm-up: the gateway's first codex start, the browser's caches
  for (let run = 0; run < RUNS; run++) {
    const empty = await open("empty", 0);
    const long = await open("long", MESSAGES);
    rows.empty.push(empty.painted);
    rows.first.push(long.first);
    rows.all.push(long.painted);
    rows.ratio.push(long.painted / empty.painted);
    rows.frames.push(long.wire.frames);
    rows.node.push(await nodeReplay("long"));
  }
} finally {
  await browser.close();
  gateway.kill("SIGTERM");
  await new Promise((r) => gateway.once("exit", r));
  await mock.close();
  await home.remove();
  rmSync(bridgeHome, { recursive: true, force: true });
}

console.log(`console bench (${RUNS} runs, load ${loadAverage()})`);
console.log(
  `page weight: JS ${kb(weight.js[0])} (${kb(weight.js[1])} gzipped), CSS ${kb(weight.css[0])} (${kb(weight.css[1])} gzipped), total gzipped ${kb(weight.js[1] + weight.css[1])}`,
);
console.log(`empty session, page open → painted:        ${spread(rows.empty, 0)} ms`);
console.log(`${MESSAGES}-message session, first entry painted: ${spread(rows.first, 0)} ms`);
console.log(`${MESSAGES}-message session, all messages painted: ${spread(rows.all, 0)} ms`);
console.log(`${MESSAGES}-message session, WebSocket frames received: ${spread(rows.frames, 0)}`);
console.log(`${MESSAGES}-message session, Node client replay:  ${spread(rows.node, 0)} ms`);
console.log(
  `ratio all-painted / empty session:          ${spread(rows.ratio)}  (median ${median(rows.ratio).toFixed(2)})`,
);
