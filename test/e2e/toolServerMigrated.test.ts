// Plain `codex app-server` (no bridge) with only the config.toml that
// `codex-bridge migrate` wrote: the tool server it registers must find the
// bridge's store on its own, although codex gives MCP servers only an
// allowlisted environment.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CodexClient, type CodexNotification } from "../../src/codex/client.js";
import { readMemory } from "../../src/store/knowledge.js";
import { BridgeStore } from "../../src/store/store.js";
import {
  createMockCodexHome,
  functionCallOutputs,
  item,
  reply,
  respond,
  startMockResponses,
} from "../../src/testing/index.js";
import { runCli } from "../harness/cli.js";
import { textInput } from "../harness/launch.js";
import { tempDir, trackDir, trackPid } from "../harness/tracking.js";

const SERVER = "codex-bridge-tools";

describe("the tool server registered by migrate, run by plain codex", () => {
  it("memory_write from the model lands in the store of the bridge home migrate ran with", async () => {
    await using mock = await startMockResponses([
      respond([item.mcpCall(SERVER, "memory_write", { key: "fav", content: "kumquats" }, { callId: "w1" })]),
      reply.text("noted"),
    ]);
    const home = await createMockCodexHome({ providerUrl: mock.url });
    trackDir(home.path);
    await using bridgeHome = tempDir("codex-bridge-home-");
    await using workdir = tempDir("codex-bridge-work-");
    try {
      const migrated = await runCli(["migrate", "--codex-home", home.path, "--no-plugins"], {
        env: { PATH: process.env.PATH ?? "", HOME: workdir.path, CODEX_BRIDGE_HOME: bridgeHome.path },
      });
      expect(migrated.exitCode, migrated.stderr).toBe(0);
      expect(readFileSync(join(home.path, "config.toml"), "utf8")).toContain(`[mcp_servers.${SERVER}]`);

      // codex itself runs without CODEX_BRIDGE_HOME or CODEX_BRIDGE_STORE: only the entry can carry them.
      await using client = await CodexClient.start({
        codexHome: home.path,
        cwd: workdir.path,
        env: { CODEX_BRIDGE_HOME: undefined, CODEX_BRIDGE_STORE: undefined },
      });
      trackPid(client.process.pid);
      const ready = client.notifications({ methods: ["mcpServer/startupStatus/updated"] });
      const { thread } = await client.threadStart({ cwd: workdir.path });
      // Wait for the tool server (bounded by the test timeout), so the turn does not race its start-up.
      for await (const n of ready) {
        if (n.method !== "mcpServer/startupStatus/updated" || n.params.name !== SERVER) continue;
        expect(n.params.status, JSON.stringify(n.params)).not.toBe("failed");
        if (n.params.status === "ready") break;
      }
      const events = client.notifications({ threadId: thread.id, methods: ["turn/completed"] });
      await client.turnStart({ threadId: thread.id, input: textInput("remember kumquats") });
      let completed: CodexNotification | undefined;
      for await (const n of events) {
        completed = n;
        break;
      }
      expect(completed?.method === "turn/completed" && completed.params.turn.status).toBe("completed");
      const output = JSON.stringify(functionCallOutputs(mock.requests[1]?.body ?? {}).get("w1"));
      expect(output, output).toContain(String.raw`{\"key\":\"fav\",\"created\":true,\"stored\":true}`);
      const storePath = join(bridgeHome.path, "bridge.db");
      expect(existsSync(storePath)).toBe(true);
      using store = BridgeStore.open(storePath);
      expect(readMemory(store.db, "fav")?.content).toBe("kumquats");
    } finally {
      await home.remove();
    }
  });
});
