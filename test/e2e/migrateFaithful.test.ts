// Migrated servers do what they did in the tool they came from, on the real
// codex: names codex accepts, `${…}` references resolved or reported, tool
// filters no wider than the user's, disabled servers disabled.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { CodexClient } from "../../src/codex/client.js";
import { migrate } from "../../src/migration/apply.js";
import { tempDir, trackPid } from "../harness/tracking.js";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/migration/${name}`, import.meta.url));
const PROBE = fixture("probeMcpServer.mjs");

/** A fixture with `__NODE__` and `__PROBE__` filled in, written to `dir`. */
function source(dir: string, name: string, vars: Record<string, string> = {}): string {
  let body = readFileSync(fixture(name), "utf8")
    .replaceAll("__NODE__", process.execPath)
    .replaceAll("__PROBE__", PROBE);
  for (const [k, v] of Object.entries(vars)) body = body.replaceAll(`__${k}__`, v);
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}

type Status = Awaited<ReturnType<CodexClient["mcpServerStatusList"]>>["data"][number];

/** Each configured server as a fresh thread of the real codex sees it, once every one has settled. */
async function startedServers(codexHome: string, cwd: string): Promise<Map<string, Status>> {
  await using client = await CodexClient.start({ codexHome, cwd });
  trackPid(client.process.pid);
  const { thread } = await client.threadStart({ cwd });
  let data: Status[] = [];
  for (let i = 0; i < 100; i++) {
    data = (await client.mcpServerStatusList({ threadId: thread.id })).data;
    if (data.every((s) => s.runtimeStatus !== "starting")) break;
    await new Promise((r) => setTimeout(r, 150));
  }
  return new Map(data.map((s) => [s.name, s]));
}

const servers = (home: string) =>
  (parseToml(readFileSync(join(home, "config.toml"), "utf8")) as { mcp_servers: Record<string, any> })
    .mcp_servers;

describe("migrated servers start in codex as they did in their tool", () => {
  it("names codex refuses are normalised, reported, and stay the same on the next run", async () => {
    await using dir = tempDir("codex-bridge-faith-");
    writeFileSync(join(dir.path, "config.toml"), "[features]\nplugins = false\n");
    const src = source(dir.path, "claude-desktop-names.json");
    const first = await migrate({
      codexHome: dir.path,
      from: [`claude-desktop:${src}`],
      plugins: false,
      toolServer: false,
    });
    const started = await startedServers(dir.path, dir.path);
    for (const [name, s] of started) expect(s.runtimeStatus, name).toBe("connected");
    for (const name of ["Sequential_Thinking", "Desktop_Commander", "AWS_API_MCP_Server", "memory"]) {
      expect(started.get(name)?.runtimeStatus, name).toBe("connected");
    }
    expect(first.report.migrated.map((m) => [m.name, m.renamedFrom]).sort()).toEqual([
      ["AWS_API_MCP_Server", "AWS API MCP Server"],
      ["Desktop_Commander", "Desktop Commander"],
      ["Sequential_Thinking", "Sequential Thinking"],
      ["memory", undefined],
    ]);
    // A second run keeps the names and changes nothing.
    const again = await migrate({
      codexHome: dir.path,
      from: [`claude-desktop:${src}`],
      plugins: false,
      toolServer: false,
    });
    expect(again.changed).toBe(false);
    expect(Object.keys(servers(dir.path)).sort()).toEqual([
      "AWS_API_MCP_Server",
      "Desktop_Commander",
      "Sequential_Thinking",
      "memory",
    ]);
  });
});
