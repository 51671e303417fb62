#!/usr/bin/env node
// Start-up costs, side by side in one run, each against a floor:
//   `codex-bridge --version` and `--help` vs `node -e 0`: CPU (user+system) of the process;
//   `codex-bridge mcp-serve` spawn → initialize reply → tools/list reply vs a
//   dependency-free Node stdio server (bench/floorMcpServer.mjs, the floor) and a
//   bare @modelcontextprotocol/sdk server with one tool (a peer, not a floor).
// Runs alternate; each of RUNS rounds takes the median of N starts; ratios to the
// floor are reported as median (min–max) over the rounds.
// Run: npm run bench:startup      (RUNS=5 N=30 npm run bench:startup for more)
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadAverage, median, spread } from "./lib/stats.mjs";

const RUNS = Number(process.env.RUNS ?? 3);
const N = Number(process.env.N ?? 15);
const bin = fileURLToPath(new URL("../bin/codex-bridge.js", import.meta.url));
const home = mkdtempSync(join(tmpdir(), "codex-bridge-bench-home-"));
// A clean bridge home: no config.toml with host modules, no store.
const env = { PATH: process.env.PATH ?? "", HOME: home, CODEX_BRIDGE_HOME: home };

/** CPU ms (user + system) of one run of node with `args`, measured by the kernel (/usr/bin/time). */
function cpuOf(args) {
  const result = spawnSync("/usr/bin/time", ["-f", "%U %S", process.execPath, ...args], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  if (result.status !== 0) throw new Error(`${args.join(" ")} failed: ${result.stderr}`);
  const out = result.stderr.toString();
  const [user, system] = out.trim().split("\n").at(-1).split(" ").map(Number);
  return (user + system) * 1000;
}

const line = (id, method, params = {}) => `${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`;
const INIT = line(1, "initialize", {
  protocolVersion: "2025-06-18",
  capabilities: {},
  clientInfo: { name: "bench", version: "1" },
});

/** ms from spawn to the initialize reply, and to the tools/list reply (sent right after initialize's). */
function coldStart(args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "ignore"], env });
    let out = "";
    let initMs;
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (initMs === undefined && out.includes('"id":1')) {
        initMs = performance.now() - started;
        child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`);
        child.stdin.write(line(2, "tools/list"));
      }
      if (out.includes('"id":2')) {
        const listMs = performance.now() - started;
        child.kill();
        resolve({ init: initMs, list: listMs });
      }
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (!out.includes('"id":2')) reject(new Error(`${args.join(" ")} exited (${code}) before tools/list`));
    });
    child.stdin.write(INIT);
  });
}

const cli = {
  "node -e 0": ["-e", "0"],
  "codex-bridge --version": [bin, "--version"],
  "codex-bridge --help": [bin, "--help"],
  "codex-bridge sessions --help": [bin, "sessions", "--help"],
};
const servers = {
  floor: [fileURLToPath(new URL("./floorMcpServer.mjs", import.meta.url))],
  "codex-bridge mcp-serve": [bin, "mcp-serve"],
  "SDK server (peer)": [fileURLToPath(new URL("../test/fixtures/echoMcpServer.mjs", import.meta.url))],
};

const rounds = [];
const loads = [loadAverage()];
for (const args of Object.values(servers)) await coldStart(args); // warm the file cache
for (let r = 0; r < RUNS; r++) {
  const cpu = Object.fromEntries(Object.keys(cli).map((k) => [k, []]));
  const init = Object.fromEntries(Object.keys(servers).map((k) => [k, []]));
  const list = Object.fromEntries(Object.keys(servers).map((k) => [k, []]));
  for (let i = 0; i < N; i++) {
    for (const [k, args] of Object.entries(cli)) cpu[k].push(cpuOf(args));
    for (const [k, args] of Object.entries(servers)) {
      const t = await coldStart(args);
      init[k].push(t.init);
      list[k].push(t.list);
    }
  }
  const med = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, median(v)]));
  rounds.push({ cpu: med(cpu), init: med(init), list: med(list) });
  loads.push(loadAverage());
}
rmSync(home, { recursive: true, force: true });

const fmt = (xs) => xs.map((x) => `${x.toFixed(0)} ms`).join(" / ");
console.log(
  `${RUNS} rounds of ${N} starts each, alternating; load average before and after each round: ${loads.join(" → ")}`,
);
console.log("| what | floor | this | ratio to floor: median (min–max) |");
console.log("|---|---|---|---|");
for (const k of Object.keys(cli).slice(1)) {
  const floor = rounds.map((r) => r.cpu["node -e 0"]);
  const mine = rounds.map((r) => r.cpu[k]);
  console.log(
    `| \`${k}\` CPU vs \`node -e 0\` | ${fmt(floor)} | ${fmt(mine)} | ${spread(mine.map((m, i) => m / floor[i]))} |`,
  );
}
for (const [what, key] of [
  ["initialize", "init"],
  ["initialize + tools/list", "list"],
]) {
  for (const k of Object.keys(servers).slice(1)) {
    const floor = rounds.map((r) => r[key].floor);
    const mine = rounds.map((r) => r[key][k]);
    console.log(
      `| ${k}: spawn → ${what} | ${fmt(floor)} | ${fmt(mine)} | ${spread(mine.map((m, i) => m / floor[i]))} |`,
    );
  }
}
