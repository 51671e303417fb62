#!/usr/bin/env node
// Cold start of `codex-bridge mcp-serve` to its `initialize` reply, beside a
// bare @modelcontextprotocol/sdk stdio server with one tool started the same
// way (the floor). Runs alternate; prints medians and the ratio.
// Run: npm run bench:mcp            (RUNS=40 npm run bench:mcp for more)
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const RUNS = Number(process.env.RUNS ?? 25);
const bridge = [fileURLToPath(new URL("../bin/codex-bridge.js", import.meta.url)), "mcp-serve"];
const floor = [fileURLToPath(new URL("../test/fixtures/echoMcpServer.mjs", import.meta.url))];
const INIT = `${JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "1" } },
})}\n`;

function coldStart(args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes('"id":1')) {
        const elapsed = performance.now() - started;
        child.kill();
        resolve(elapsed);
      }
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (!out.includes('"id":1')) reject(new Error(`server exited (${code}) before answering initialize`));
    });
    child.stdin.write(INIT);
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const times = { bridge: [], floor: [] };
await coldStart(bridge); // warm the filesystem cache for both
await coldStart(floor);
for (let i = 0; i < RUNS; i++) {
  times.bridge.push(await coldStart(bridge));
  times.floor.push(await coldStart(floor));
}
const b = median(times.bridge);
const f = median(times.floor);
console.log(`${RUNS} cold starts each, alternating, spawn → initialize reply`);
console.log(`codex-bridge mcp-serve: median ${b.toFixed(1)} ms`);
console.log(`bare SDK server (floor): median ${f.toFixed(1)} ms`);
console.log(
  `ratio: ${(b / f).toFixed(2)}x (target <= 1.5x and < 150 ms: ${b / f <= 1.5 && b < 150 ? "met" : "NOT met"})`,
);
