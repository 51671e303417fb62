// `codex-bridge mcp-serve` as other programs start it: a plain environment,
// a pipe that closes early, broken host modules.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { readMemory } from "../../src/store/knowledge.js";
import { BridgeStore } from "../../src/store/store.js";
import { tempDir, trackPid } from "../harness/tracking.js";

const bin = fileURLToPath(new URL("../../bin/codex-bridge.js", import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** Runs mcp-serve with only PATH and HOME (a temp dir) in its environment, like a client with a clean env would. */
function serve(
  args: string[],
  input: string,
  home: string,
  extraEnv: Record<string, string> = {},
  timeout = 60_000,
) {
  return execa(process.execPath, [bin, "mcp-serve", ...args], {
    input,
    extendEnv: false,
    env: { PATH: process.env.PATH ?? "", HOME: home, ...extraEnv },
    reject: false,
    timeout,
  });
}

/** An MCP SDK client that spawns mcp-serve with a plain environment; stderr is collected. */
async function sdkClient(args: string[], home: string, extraEnv: Record<string, string> = {}) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bin, "mcp-serve", ...args],
    env: { PATH: process.env.PATH ?? "", HOME: home, ...extraEnv },
    stderr: "pipe",
  });
  const log = { stderr: "" };
  transport.stderr?.on("data", (chunk: Buffer) => {
    log.stderr += chunk.toString();
  });
  const client = new Client({ name: "e2e", version: "1" });
  await client.connect(transport, { timeout: 30_000 });
  if (transport.pid) trackPid(transport.pid);
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const r = (await client.callTool({ name, arguments: args }, undefined, { timeout: 30_000 })) as {
      content: Array<{ text: string }>;
      structuredContent?: Record<string, unknown>;
      isError?: boolean;
    };
    return { ...r, text: r.content.map((c) => c.text).join("\n") };
  };
  return { client, call, log, [Symbol.asyncDispose]: () => client.close() };
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const line = (message: Record<string, unknown>) => `${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`;

describe("codex-bridge mcp-serve on a pipe", () => {
  it("answers a call still running when stdin closes (printf '<tools/call>' | mcp-serve)", async () => {
    await using home = tempDir("codex-bridge-serve-");
    const result = await serve(
      ["--tools", fixture("slowTools.mjs")],
      line({
        id: 7,
        method: "tools/call",
        params: { name: "slow_echo", arguments: { text: "still here", ms: 300 } },
      }),
      home.path,
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      jsonrpc: "2.0",
      id: 7,
      result: { content: [{ type: "text", text: "still here" }] },
    });
  });
});

describe("codex-bridge mcp-serve and a cancelling MCP SDK client", () => {
  it("sends no answer for a call the client cancelled (no 'unknown message ID' on the client)", async () => {
    await using home = tempDir("codex-bridge-serve-");
    await using t = await sdkClient(["--tools", fixture("slowTools.mjs")], home.path);
    const clientErrors: string[] = [];
    t.client.onerror = (err) => clientErrors.push(err.message);
    const abort = new AbortController();
    const cancelled = t.client.callTool(
      { name: "slow_echo", arguments: { text: "never", ms: 500 } },
      undefined,
      {
        signal: abort.signal,
      },
    );
    setTimeout(() => abort.abort("changed my mind"), 100);
    await expect(cancelled).rejects.toThrow();
    // Timers fire in order: once this later, longer call is answered, the cancelled one has finished too.
    expect((await t.call("slow_echo", { text: "after", ms: 800 })).text).toBe("after");
    expect(clientErrors).toEqual([]);
  });
});

describe("codex-bridge mcp-serve with unruly host modules", () => {
  it("exits once stdin closes and the calls are answered, even while a host tool keeps a timer running", async () => {
    await using home = tempDir("codex-bridge-serve-");
    const result = await serve(
      ["--tools", fixture("unrulyTools.mjs")],
      line({ id: 1, method: "tools/call", params: { name: "ticker", arguments: {} } }),
      home.path,
      {},
      20_000,
    );
    expect(result.timedOut).toBe(false);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ id: 1, result: { content: [{ text: "ticking" }] } });
  });

  it("serves the built-ins and the good modules when a module never finishes loading", async () => {
    await using home = tempDir("codex-bridge-serve-");
    await using t = await sdkClient(
      [
        "--module-timeout",
        // long enough for the good module to load on a loaded machine
        "4000",
        "--tools",
        fixture("hangingTools.mjs"),
        "--tools",
        fixture("hostTools.mjs"),
      ],
      home.path,
    );
    const { tools } = await t.client.listTools();
    expect(tools.map((x) => x.name)).toEqual([
      "session_search",
      "session_read",
      "memory_write",
      "memory_read",
      "memory_search",
      "kanban_complete",
      "kanban_block",
      "kanban_comment",
      "kanban_heartbeat",
      "kanban_show",
      "kanban_list",
      "kanban_create",
      "kanban_unblock",
      "kanban_link",
      "shout",
      "whoami",
    ]);
    expect(t.log.stderr).toContain(
      `skipped tool module ${fixture("hangingTools.mjs")}: did not finish loading within 4000 ms`,
    );
  });

  it("keeps serving after a host tool throws in a timer and leaves a rejection unhandled", async () => {
    await using home = tempDir("codex-bridge-serve-");
    await using t = await sdkClient(
      ["--tools", fixture("unrulyTools.mjs"), "--tools", fixture("hostTools.mjs")],
      home.path,
    );
    expect((await t.call("timebomb")).text).toBe("armed");
    await until(() => t.log.stderr.includes("thrown in a timer"));
    expect(t.log.stderr).toContain("rejected and never handled");
    expect((await t.call("shout", { text: "alive" })).text).toBe("ALIVE");
  });
});

describe("codex-bridge mcp-serve started by an MCP client, not by the bridge", () => {
  it("with only PATH and HOME set, keeps memories in ~/.codex-bridge/bridge.db", async () => {
    await using home = tempDir("codex-bridge-serve-");
    {
      await using t = await sdkClient([], home.path);
      const written = await t.call("memory_write", { key: "fav", content: "kumquats" });
      expect(written.isError, written.text).toBeUndefined();
      expect(written.structuredContent).toEqual({ key: "fav", created: true, stored: true });
      const read = await t.call("memory_read", { key: "fav" });
      expect(read.structuredContent).toMatchObject({ key: "fav", content: "kumquats" });
    }
    const storePath = join(home.path, ".codex-bridge", "bridge.db");
    expect(existsSync(storePath)).toBe(true);
    using store = BridgeStore.open(storePath);
    expect(readMemory(store.db, "fav")).toMatchObject({ content: "kumquats", sessionId: null });
  });

  it("follows CODEX_BRIDGE_HOME, and CODEX_BRIDGE_STORE over it", async () => {
    await using home = tempDir("codex-bridge-serve-");
    await using bridgeHome = tempDir("codex-bridge-home-");
    await using other = tempDir("codex-bridge-store-");
    {
      await using t = await sdkClient([], home.path, { CODEX_BRIDGE_HOME: bridgeHome.path });
      expect((await t.call("memory_write", { key: "a", content: "in the home" })).isError).toBeUndefined();
    }
    const explicit = join(other.path, "mine.db");
    {
      await using t = await sdkClient([], home.path, {
        CODEX_BRIDGE_HOME: bridgeHome.path,
        CODEX_BRIDGE_STORE: explicit,
      });
      expect((await t.call("memory_write", { key: "b", content: "explicit" })).isError).toBeUndefined();
    }
    expect(existsSync(join(home.path, ".codex-bridge"))).toBe(false);
    using inHome = BridgeStore.open(join(bridgeHome.path, "bridge.db"));
    expect(readMemory(inHome.db, "a")?.content).toBe("in the home");
    expect(readMemory(inHome.db, "b")).toBeUndefined();
    using mine = BridgeStore.open(explicit);
    expect(readMemory(mine.db, "b")?.content).toBe("explicit");
  });
});
