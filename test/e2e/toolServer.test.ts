import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { describe, expect, it } from "vitest";
import { functionCallOutputs, item, reply, respond } from "../../src/testing/index.js";
import { launchBridge } from "../harness/bridge.js";
import { tempDir } from "../harness/tracking.js";

const bin = fileURLToPath(new URL("../../bin/codex-bridge.js", import.meta.url));
const SERVER = "codex-bridge-tools";

describe("the tool server inside real codex threads", () => {
  it("memory_write then memory_read through codex: outputs reach the model, the transcript shows the calls", async () => {
    await using f = await launchBridge([
      respond([item.mcpCall(SERVER, "memory_write", { key: "fav", content: "kumquats" }, { callId: "w1" })]),
      respond([item.mcpCall(SERVER, "memory_read", { key: "fav" }, { callId: "r1" })]),
      reply.text("You like kumquats."),
    ]);
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const result = await session.run("remember that I like kumquats, then read it back");
    expect(result.status, JSON.stringify(result.error)).toBe("completed");
    expect(result.finalText).toBe("You like kumquats.");
    // The model saw the tool list with the namespaced server.
    expect(JSON.stringify(f.mock.requests[0]?.body.tools)).toContain('"name":"mcp__codex_bridge_tools"');
    const writeOutput = String(functionCallOutputs(f.mock.requests[1]?.body ?? {}).get("w1"));
    expect(writeOutput).toContain('{"key":"fav","created":true,"stored":true}');
    const readOutput = String(functionCallOutputs(f.mock.requests[2]?.body ?? {}).get("r1"));
    expect(readOutput).toContain("kumquats");
    const calls = result.messages.filter((m) => m.tool_calls).map((m) => m.tool_calls?.[0]?.function.name);
    expect(calls).toEqual([`mcp.${SERVER}.memory_write`, `mcp.${SERVER}.memory_read`]);
    const results = result.messages.filter((m) => m.role === "tool");
    expect(results[0]).toMatchObject({
      tool_call_id: "codex_mcp_w1",
      content: expect.stringContaining('"stored": true'),
    });
    expect(results[1]?.content).toContain("kumquats");
    // It went into the bridge's store, where every session can find it.
    const { readMemory } = await import("../../src/store/knowledge.js");
    expect(readMemory(f.bridge.store?.db as never, "fav")).toMatchObject({
      content: "kumquats",
      sessionId: session.id,
    });
  });

  it("two concurrent sessions on one app-server each see their own session id", async () => {
    await using f = await launchBridge((request) => {
      const input = JSON.stringify(request.body.input);
      const which = input.includes("alpha") ? "a" : "b";
      if (!input.includes("function_call_output")) {
        return respond([
          item.mcpCall(
            SERVER,
            "session_read",
            { session_id: "current", limit: 1 },
            { callId: `who-${which}` },
          ),
        ]);
      }
      return reply.text(`done ${which}`);
    });
    const [a, b] = await Promise.all([
      f.bridge.startSession({ cwd: f.workdir }),
      f.bridge.startSession({ cwd: f.workdir }),
    ]);
    const [ra, rb] = await Promise.all([a.run("alpha: who am I?"), b.run("beta: who am I?")]);
    expect([ra.status, rb.status]).toEqual(["completed", "completed"]);
    const output = (callId: string) =>
      f.mock.requests.map((r) => functionCallOutputs(r.body).get(callId)).find((o) => o !== undefined);
    expect(JSON.stringify(output("who-a"))).toContain(`\\"session_id\\":\\"${a.id}\\"`);
    expect(JSON.stringify(output("who-b"))).toContain(`\\"session_id\\":\\"${b.id}\\"`);
    expect(a.id).not.toBe(b.id);
  });

  it("serves host tool modules, with the session's task id as identity", async () => {
    const hostTools = fileURLToPath(new URL("../fixtures/hostTools.mjs", import.meta.url));
    await using f = await launchBridge(
      [respond([item.mcpCall(SERVER, "whoami", {}, { callId: "me" })]), reply.text("ok")],
      { toolServer: { modules: [hostTools] } },
    );
    const session = await f.bridge.startSession({ cwd: f.workdir, taskId: "task-42" });
    expect((await session.run("who am i")).status).toBe("completed");
    const out = JSON.stringify(functionCallOutputs(f.mock.requests[1]?.body ?? {}).get("me"));
    expect(out).toContain(`\\"session_id\\":\\"${session.id}\\"`);
    expect(out).toContain(`\\"task_id\\":\\"task-42\\"`);
  });

  it("asks the host about non-read-only tools when they are not pre-approved; read-only ones just run", async () => {
    const asked: string[] = [];
    await using f = await launchBridge(
      [
        respond([item.mcpCall(SERVER, "memory_search", { query: "anything" }, { callId: "s1" })]),
        respond([item.mcpCall(SERVER, "memory_write", { key: "k", content: "v" }, { callId: "w2" })]),
        reply.text("ok"),
        respond([item.mcpCall(SERVER, "memory_write", { key: "k2", content: "v2" }, { callId: "w3" })]),
        reply.text("refused"),
      ],
      {
        toolServer: { autoApprove: [] },
        approvals: {
          onRequest: (req) => {
            asked.push(`${req.kind}:${req.mcp?.tool ?? ""}`);
            return { decision: "accept" };
          },
        },
      },
    );
    const session = await f.bridge.startSession({ cwd: f.workdir, approvalPolicy: "on-request" });
    const result = await session.run("search then write");
    expect(result.status).toBe("completed");
    expect(asked).toEqual(["mcpToolCall:memory_write"]);
    expect(String(functionCallOutputs(f.mock.requests[1]?.body ?? {}).get("s1"))).toContain('"memories":[]');
    expect(String(functionCallOutputs(f.mock.requests[2]?.body ?? {}).get("w2"))).toContain('"stored":true');
    expect(f.bridge.store?.listApprovals(session.id)).toMatchObject([
      { kind: "mcpToolCall", decidedBy: "handler", decision: "accept" },
    ]);

    // Under approval_policy "never", codex refuses a tool nobody pre-approved; the transcript says so.
    const strict = await f.bridge.startSession({ cwd: f.workdir, approvalPolicy: "never" });
    const refused = await strict.run("write again");
    expect(refused.messages.find((m) => m.role === "tool")?.content).toBe(
      "[error] MCP tool call requires approval, but approval policy is never",
    );
  });
});

describe("codex-bridge mcp-serve as a subprocess", () => {
  it("answers initialize and tools/list over stdio; a broken host module is reported on stderr, the rest served", async () => {
    await using home = tempDir("codex-bridge-serve-");
    const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [
        bin,
        "mcp-serve",
        "--tools",
        `${fixtures}brokenTools.mjs`,
        "--tools",
        `${fixtures}hostTools.mjs`,
      ],
      env: { PATH: process.env.PATH ?? "", CODEX_BRIDGE_HOME: home.path },
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const client = new Client({ name: "e2e", version: "1" });
    await client.connect(transport);
    try {
      expect(client.getServerVersion()).toMatchObject({ name: SERVER });
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual([
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
        // a module namespace lists its exports alphabetically: `more` (shout) before `whoami`
        "shout",
        "whoami",
      ]);
      const shouted = await client.callTool({ name: "shout", arguments: { text: "quiet" } });
      expect(shouted.content).toEqual([{ type: "text", text: "QUIET" }]);
      expect(stderr).toContain("skipped tool module");
      expect(stderr).toContain("this module is broken on purpose");
    } finally {
      await client.close();
    }
  });
});
