import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool } from "../../../src/mcp/defineTool.js";
import { loadToolModules } from "../../../src/mcp/hostModules.js";
import { ToolRegistry } from "../../../src/mcp/registry.js";
import { createToolServer } from "../../../src/mcp/server.js";
import { builtinTools } from "../../../src/mcp/tools/index.js";
import { BridgeStore } from "../../../src/store/store.js";
import { BUILTIN_READ_ONLY_TOOLS } from "../../../src/toolServerSpec.js";

const dir = mkdtempSync(join(tmpdir(), "codex-bridge-mcp-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function connect(tools = builtinTools(), context: Record<string, string | null> = {}) {
  const server = createToolServer({ tools, context });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "test", version: "1" });
  await client.connect(clientSide);
  const call = async (name: string, args: Record<string, unknown>) => {
    const r = (await client.callTool({ name, arguments: args })) as {
      content: Array<{ type: string; text: string }>;
      structuredContent?: Record<string, any>;
      isError?: boolean;
    };
    return { ...r, text: r.content.map((c) => c.text).join("\n") };
  };
  return {
    client,
    call,
    async [Symbol.asyncDispose]() {
      await client.close();
      await server.close();
    },
  };
}

function storeWithSession(name: string) {
  const path = join(dir, `${name}.db`);
  const store = BridgeStore.open(path);
  store.createSession({
    id: "s1",
    threadId: "t1",
    cwd: "/w",
    model: null,
    title: "deploy",
    status: "idle",
    options: {},
  });
  const add = (key: string, role: string, content: string) =>
    store.addMessage("s1", {
      key,
      turnId: "u1",
      itemId: key,
      itemType: "x",
      role,
      message: { role, content },
    });
  add("a", "user", "How do we deploy the kumquat service?");
  add("b", "assistant", "Run make deploy-kumquat from the repo root.");
  add("c", "user", "Thanks");
  store.close();
  return path;
}

describe("the tool server (in-memory MCP client)", () => {
  it("lists the built-in tools with JSON schemas and truthful annotations", async () => {
    await using t = await connect();
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
    ]);
    const write = tools.find((x) => x.name === "memory_write");
    expect(write?.inputSchema).toMatchObject({
      type: "object",
      properties: { key: { type: "string" }, content: { type: "string" }, tags: { type: "array" } },
      required: ["key", "content"],
    });
    expect(write?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    const readOnly = tools.filter((x) => x.annotations?.readOnlyHint).map((x) => x.name);
    // The bridge approves these without asking: its list must be exactly the read-only built-ins.
    expect([...BUILTIN_READ_ONLY_TOOLS].sort()).toEqual(readOnly.sort());
    for (const tool of tools) expect(tool.description?.length).toBeGreaterThan(80);
  });

  it("writes, reads and searches memories, shared through the store", async () => {
    const storePath = join(dir, "memory.db");
    await using t = await connect(builtinTools(), { storePath, sessionId: "s9" });
    const written = await t.call("memory_write", {
      key: "build",
      content: "Use pnpm build, not npm",
      tags: ["ci"],
    });
    expect(written.structuredContent).toEqual({ key: "build", created: true, stored: true });
    expect(
      (await t.call("memory_write", { key: "build", content: "Use pnpm build --prod" })).structuredContent,
    ).toMatchObject({
      created: false,
    });
    const read = await t.call("memory_read", { key: "build" });
    expect(read.structuredContent).toMatchObject({
      key: "build",
      content: "Use pnpm build --prod",
      tags: [],
    });
    const found = await t.call("memory_search", { query: "pnpm" });
    expect(found.structuredContent?.memories).toEqual([
      { key: "build", content: "Use pnpm build --prod", tags: [] },
    ]);
    const missing = await t.call("memory_read", { key: "nope" });
    expect(missing).toMatchObject({ isError: true });
    expect(missing.text).toContain('nothing is stored under the key "nope"');
    // Another server process on the same store sees the same memory.
    await using other = await connect(builtinTools(), { storePath });
    expect((await other.call("memory_read", { key: "build" })).structuredContent?.content).toBe(
      "Use pnpm build --prod",
    );
  });

  it("searches and reads stored transcripts", async () => {
    const storePath = storeWithSession("sessions");
    await using t = await connect(builtinTools(), { storePath, sessionId: "s1" });
    const hits = await t.call("session_search", { query: "kumquat deploy" });
    expect(hits.structuredContent?.hits).toEqual([
      {
        session_id: "s1",
        seq: expect.any(Number),
        role: expect.any(String),
        snippet: expect.stringContaining("[kumquat]"),
      },
      expect.anything(),
    ]);
    const page = await t.call("session_read", { session_id: "current", limit: 2 });
    expect(page.structuredContent).toMatchObject({
      session_id: "s1",
      thread_id: "t1",
      messages: [
        { seq: 1, role: "user", content: "How do we deploy the kumquat service?" },
        { seq: 2, role: "assistant" },
      ],
      next_from: 2,
    });
    const rest = await t.call("session_read", { session_id: "t1", from: 2 });
    expect(rest.structuredContent?.messages).toEqual([{ seq: 3, role: "user", content: "Thanks" }]);
    expect(rest.structuredContent?.next_from).toBeNull();
  });

  it("answers bad arguments with a tool error that names the field, and keeps serving", async () => {
    await using t = await connect();
    const bad = await t.call("memory_write", { key: 5, content: "x" });
    expect(bad.isError).toBe(true);
    expect(bad.text).toBe(
      "invalid arguments for memory_write: key: Invalid input: expected string, received number",
    );
    const limit = await t.call("session_search", { query: "x", limit: 500 });
    expect(limit.text).toMatch(/^invalid arguments for session_search: limit: Too big/);
    const unknown = await t.call("no_such_tool", {});
    expect(unknown).toMatchObject({ isError: true });
    expect(unknown.text).toContain("unknown tool no_such_tool");
    const noStore = await t.call("memory_read", { key: "k" });
    expect(noStore.text).toContain("this tool needs the bridge's store, and this server has none");
    expect((await t.client.listTools()).tools).toHaveLength(builtinTools().length);
  });

  it("turns a throwing handler into a tool error with its message", async () => {
    const boom = defineTool({
      name: "boom",
      description: "Always fails.",
      inputSchema: z.object({}),
      annotations: { readOnlyHint: true },
      handler: () => {
        throw new Error("kaput");
      },
    });
    await using t = await connect([boom]);
    expect(await t.call("boom", {})).toMatchObject({ isError: true, text: "boom failed: kaput" });
  });

  it("rejects duplicate names and malformed definitions", () => {
    const tool = defineTool({
      name: "same",
      description: "d",
      inputSchema: z.object({}),
      annotations: {},
      handler: () => "",
    });
    expect(() => new ToolRegistry([tool, tool])).toThrow("a tool named same is already registered");
    expect(() =>
      defineTool({
        name: "bad name!",
        description: "d",
        inputSchema: z.object({}),
        annotations: {},
        handler: () => "",
      }),
    ).toThrow(/must be 1-64 letters/);
    expect(() =>
      defineTool({
        name: "x",
        description: " ",
        inputSchema: z.object({}),
        annotations: {},
        handler: () => "",
      }),
    ).toThrow(/needs a description/);
  });

  it("gives up on a module that does not finish loading in time, and loads the others", async () => {
    const fixtures = fileURLToPath(new URL("../../fixtures/", import.meta.url));
    // Loaded once first, so that the short limit below never races this module's first load under CPU load.
    expect((await loadToolModules(["./hostTools.mjs"], fixtures)).errors).toEqual([]);
    const loaded = await loadToolModules(["./hangingTools.mjs", "./hostTools.mjs"], fixtures, {
      timeoutMs: 300,
    });
    expect(loaded.tools.map((t) => t.name).sort()).toEqual(["shout", "whoami"]);
    expect(loaded.errors).toEqual(["./hangingTools.mjs: did not finish loading within 300 ms"]);
  });

  it("loads host tool modules, and reports one that fails without losing the others", async () => {
    const fixtures = fileURLToPath(new URL("../../fixtures/", import.meta.url));
    const loaded = await loadToolModules(["./hostTools.mjs", "./brokenTools.mjs", "./nope.mjs"], fixtures);
    expect(loaded.tools.map((t) => t.name).sort()).toEqual(["shout", "whoami"]);
    expect(loaded.errors).toEqual([
      "./brokenTools.mjs: this module is broken on purpose",
      expect.stringMatching(/^\.\/nope\.mjs: Cannot find module/),
    ]);
    await using t = await connect([...builtinTools(), ...loaded.tools], {
      sessionId: "s-host",
      taskId: "task-7",
    });
    expect((await t.call("shout", { text: "hi" })).text).toBe("HI");
    expect((await t.call("whoami", {})).structuredContent).toEqual({
      session_id: "s-host",
      thread_id: null,
      task_id: "task-7",
    });
  });
});
