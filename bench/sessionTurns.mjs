#!/usr/bin/env node
// 20 sequential turns on the mock model, two ways, alternating in one process:
//   bridge — one codex-bridge session on one long-lived `codex app-server`;
//   sdk    — @openai/codex-sdk, which spawns `codex exec` (resuming the thread) per turn.
// Both drive the same pinned codex binary against their own copy of the same
// scripted model. Prints the median turn time of each and the ratio.
// Run: npm run bench            (TURNS=50 npm run bench for more)
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Codex } from "@openai/codex-sdk";
import { resolveCodexBinary } from "../dist/codex/binary.js";
import { CodexBridge } from "../dist/codex/bridge.js";
import { createMockCodexHome, reply, startMockResponses } from "../dist/testing/index.js";

const TURNS = Number(process.env.TURNS ?? 20);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (n) => `${n.toFixed(1)} ms`;

const codex = await resolveCodexBinary();
const root = await mkdtemp(join(tmpdir(), "codex-bridge-bench-"));
const answer = () => reply.text("ok, noted.");
const bridgeMock = await startMockResponses(answer);
const sdkMock = await startMockResponses(answer);
const bridgeHome = await createMockCodexHome({ providerUrl: bridgeMock.url, parentDir: root });
const sdkHome = await createMockCodexHome({ providerUrl: sdkMock.url, parentDir: root });
const workdir = await mkdtemp(join(root, "work-"));

const bridge = new CodexBridge({ codexHome: bridgeHome.path, store: join(root, "bridge.db"), cwd: workdir });
const sdk = new Codex({ codexPathOverride: codex.path, env: { ...process.env, CODEX_HOME: sdkHome.path } });
const thread = sdk.startThread({
  workingDirectory: workdir,
  skipGitRepoCheck: true,
  sandboxMode: "read-only",
});

const times = { bridge: [], sdk: [] };
try {
  const t0 = performance.now();
  const session = await bridge.startSession({ cwd: workdir });
  const bridgeStartup = performance.now() - t0;
  for (let i = 0; i < TURNS; i++) {
    const prompt = `turn ${i + 1}: remember the number ${i}`;
    let t = performance.now();
    const r = await session.run(prompt);
    times.bridge.push(performance.now() - t);
    if (r.status !== "completed") throw new Error(`bridge turn ${i + 1} ${r.status}: ${r.error?.message}`);

    t = performance.now();
    const s = await thread.run(prompt);
    times.sdk.push(performance.now() - t);
    if (s.finalResponse !== "ok, noted.")
      throw new Error(`sdk turn ${i + 1} answered ${JSON.stringify(s.finalResponse)}`);
  }
  const mb = median(times.bridge);
  const msdk = median(times.sdk);
  console.log(`codex ${codex.version}, ${TURNS} sequential turns each, alternating, same mock model`);
  console.log(
    `bridge (one app-server, one session): median ${ms(mb)} per turn (thread start ${ms(bridgeStartup)})`,
  );
  console.log(`codex-sdk (codex exec per turn):      median ${ms(msdk)} per turn`);
  console.log(`ratio sdk/bridge: ${(msdk / mb).toFixed(2)}x (higher means codex-bridge is faster)`);
  console.log(
    `totals: bridge ${ms(times.bridge.reduce((a, b) => a + b, 0))}, sdk ${ms(times.sdk.reduce((a, b) => a + b, 0))}`,
  );
} finally {
  await bridge.close();
  await bridgeMock.close();
  await sdkMock.close();
  await rm(root, { recursive: true, force: true });
}
