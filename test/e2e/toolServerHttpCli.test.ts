// `codex-bridge run` serves the bridge's tools from its own process over
// HTTP: the model reaches them as mcp__codex_bridge, with the run's session
// identity, host modules of the bridge config included.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  createMockCodexHome,
  functionCallOutputs,
  item,
  reply,
  respond,
  startMockResponses,
} from "../../src/testing/index.js";
import { runCli } from "../harness/cli.js";
import { tempDir, trackDir } from "../harness/tracking.js";

const SERVER = "codex-bridge";
const hostTools = fileURLToPath(new URL("../fixtures/hostTools.mjs", import.meta.url));

describe("codex-bridge run with the HTTP tool endpoint (real codex)", () => {
  it("the model calls a built-in and a configured host tool; each sees the run's session", async () => {
    await using mock = await startMockResponses([
      respond([item.mcpCall(SERVER, "memory_write", { key: "fav", content: "kumquats" }, { callId: "w1" })]),
      respond([item.mcpCall(SERVER, "whoami", {}, { callId: "me" })]),
      reply.text("noted"),
    ]);
    const home = await createMockCodexHome({ providerUrl: mock.url });
    trackDir(home.path);
    await using bridgeHome = tempDir("codex-bridge-clihome-");
    writeFileSync(
      join(bridgeHome.path, "config.toml"),
      `[tools]\nmodules = [${JSON.stringify(hostTools)}]\n`,
    );
    try {
      const run = await runCli(["run", "remember kumquats", "--cwd", bridgeHome.path, "--json"], {
        env: { CODEX_HOME: home.path, CODEX_BRIDGE_HOME: bridgeHome.path },
      });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(JSON.stringify(mock.requests[0]?.body.tools)).toContain('"name":"mcp__codex_bridge"');
      expect(JSON.stringify(mock.requests[0]?.body.tools)).not.toContain("mcp__codex_bridge_tools");
      const events = run.stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { sessionId?: string });
      const sessionId = events.at(-1)?.sessionId;
      expect(sessionId).toBeTruthy();
      expect(String(functionCallOutputs(mock.requests[1]?.body ?? {}).get("w1"))).toContain('"stored":true');
      const me = JSON.stringify(functionCallOutputs(mock.requests[2]?.body ?? {}).get("me"));
      expect(me).toContain(`\\"session_id\\":\\"${sessionId}\\"`);
      const recalled = await runCli(["sessions", "show", sessionId ?? "", "--json"], {
        env: { CODEX_BRIDGE_HOME: bridgeHome.path },
      });
      expect(recalled.stdout).toContain("mcp.codex-bridge.memory_write");
    } finally {
      await home.remove();
    }
  });
});
