import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  initialProjectorState,
  type Notification,
  project,
  type ProjectorState,
  truncate,
} from "../../src/codex/projector.js";
import type { ProjectedMessage } from "../../src/codex/transcript.js";

// Notification streams recorded from the real codex binary (scripts/recordGolden.mjs).
function golden(name: string): Notification[] {
  const text = readFileSync(new URL(`../fixtures/golden/${name}.jsonl`, import.meta.url), "utf8");
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { kind: string; method: string; params: unknown })
    .filter((l) => l.kind === "notification");
}

function run(notifications: Notification[], options = {}): ProjectedMessage[] {
  let state: ProjectorState = initialProjectorState();
  const out: ProjectedMessage[] = [];
  for (const n of notifications) {
    const r = project(state, n, options);
    state = r.state;
    out.push(...r.messages);
  }
  expect(state).toEqual(initialProjectorState());
  return out;
}

describe("projector on recorded codex streams", () => {
  it("attaches reasoning to the assistant text", () => {
    const messages = run(golden("text-with-reasoning")).map((m) => m.message);
    expect(messages).toEqual([
      { role: "user", content: "scenario text-with-reasoning" },
      { role: "assistant", content: "Hello there!", reasoning: "Thinking about greetings." },
    ]);
  });

  it("projects a command into a deterministic tool call followed by its result", () => {
    const projected = run(golden("command-approved"));
    const messages = projected.map((m) => m.message);
    expect(messages).toHaveLength(4);
    expect(messages[1]).toEqual({
      role: "assistant",
      content: "",
      tool_calls: [
        {
          id: "codex_exec_call-cmd",
          type: "function",
          function: {
            name: "exec_command",
            arguments: expect.stringMatching(
              /^\{"command":"\/bin\/bash -lc 'touch made.txt && echo made-it'","cwd":"/,
            ),
          },
        },
      ],
    });
    // The sandbox was read-only: the command failed, and the result says so first.
    expect(messages[2]).toMatchObject({ role: "tool", tool_call_id: "codex_exec_call-cmd" });
    expect(messages[2]?.content).toMatch(/^\[exit 1\]\n/);
    expect(messages[2]?.content).toContain("Read-only file system");
    expect(messages[3]).toEqual({ role: "assistant", content: "Created it." });
    expect(projected.map((p) => p.key)).toEqual([
      expect.stringMatching(/:user$/),
      "call-cmd:call",
      "call-cmd:result",
      expect.stringMatching(/:assistant$/),
    ]);
  });

  it("shows a declined command as declined", () => {
    const messages = run(golden("command-declined")).map((m) => m.message);
    const result = messages.find((m) => m.role === "tool");
    expect(result).toEqual({
      role: "tool",
      tool_call_id: "codex_exec_call-rm",
      content: "[declined] the command was not run",
    });
  });

  it("prefixes a failing command's output with its exit code", () => {
    const messages = run(golden("command-fails")).map((m) => m.message);
    const result = messages.find((m) => m.role === "tool");
    expect(result?.content).toMatch(/^\[exit 3\]\n/);
    expect(result?.content).toContain("oops");
  });

  it("projects a patch as apply_patch with kinds and paths, and the diff in the result", () => {
    const messages = run(golden("patch-approved")).map((m) => m.message);
    const call = messages.find((m) => m.tool_calls);
    const args = JSON.parse(call?.tool_calls?.[0]?.function.arguments ?? "{}") as {
      changes: Array<{ kind: string; path: string }>;
    };
    expect(call?.tool_calls?.[0]?.id).toBe("codex_patch_call-patch");
    expect(call?.tool_calls?.[0]?.function.name).toBe("apply_patch");
    expect(args.changes).toEqual([{ kind: "add", path: expect.stringMatching(/\/notes\.txt$/) }]);
    const result = messages.find((m) => m.role === "tool");
    expect(result?.content).toMatch(/^\[applied\]\nadd \/.*notes\.txt\n\nfirst line\nsecond line\n$/);
  });

  it("projects an MCP tool call recorded from codex with a real MCP server", () => {
    const messages = run(golden("mcp-tool-call")).map((m) => m.message);
    expect(messages).toEqual([
      { role: "user", content: "scenario mcp-tool-call" },
      {
        role: "assistant",
        content: "",
        tool_calls: [
          {
            id: "codex_mcp_call-mcp",
            type: "function",
            function: { name: "mcp.echo.echo", arguments: '{"text":"ping"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "codex_mcp_call-mcp", content: "ping" },
      { role: "assistant", content: "The echo server said ping." },
    ]);
  });

  it("is deterministic: replaying a stream gives byte-identical messages", () => {
    for (const name of [
      "text-with-reasoning",
      "command-approved",
      "patch-approved",
      "command-fails",
      "mcp-tool-call",
    ]) {
      expect(JSON.stringify(run(golden(name)))).toBe(JSON.stringify(run(golden(name))));
    }
  });

  it("always follows a tool call with its result", () => {
    for (const name of ["command-approved", "command-declined", "command-fails", "patch-approved"]) {
      const messages = run(golden(name)).map((m) => m.message);
      messages.forEach((m, i) => {
        if (m.tool_calls)
          expect(messages[i + 1]).toMatchObject({ role: "tool", tool_call_id: m.tool_calls[0]?.id });
      });
    }
  });
});

describe("projector on constructed items", () => {
  const completed = (item: Record<string, unknown>, turnId = "turn-1"): Notification => ({
    method: "item/completed",
    params: { threadId: "t", turnId, item },
  });

  it("projects MCP tool calls with sorted-key arguments, results and errors", () => {
    const ok = run([
      completed({
        type: "mcpToolCall",
        id: "m1",
        server: "codex-bridge-tools",
        tool: "memory_write",
        status: "completed",
        arguments: { key: "k", content: "v" },
        result: { content: [{ type: "text", text: "stored k" }], structuredContent: null },
        error: null,
      }),
    ]).map((m) => m.message);
    expect(ok).toEqual([
      {
        role: "assistant",
        content: "",
        tool_calls: [
          {
            id: "codex_mcp_m1",
            type: "function",
            function: { name: "mcp.codex-bridge-tools.memory_write", arguments: '{"content":"v","key":"k"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "codex_mcp_m1", content: "stored k" },
    ]);
    const failed = run([
      completed({
        type: "mcpToolCall",
        id: "m2",
        server: "s",
        tool: "t",
        status: "failed",
        arguments: {},
        result: null,
        error: { message: "boom" },
      }),
    ]);
    expect(failed[1]?.message.content).toBe("[error] boom");
  });

  it("projects dynamic tool calls, marking failures", () => {
    const messages = run([
      completed({
        type: "dynamicToolCall",
        id: "d1",
        namespace: "host",
        tool: "lookup",
        arguments: { q: 1 },
        status: "completed",
        contentItems: [{ type: "inputText", text: "not found" }],
        success: false,
      }),
    ]).map((m) => m.message);
    expect(messages[0]?.tool_calls?.[0]?.function.name).toBe("host.lookup");
    expect(messages[1]).toEqual({
      role: "tool",
      tool_call_id: "codex_dynamic_d1",
      content: "[error] not found",
    });
  });

  it("turns plans, reviews and unknown items into notes without tool calls", () => {
    const messages = run([
      completed({ type: "plan", id: "p", text: "1. do it" }),
      completed({ type: "exitedReviewMode", id: "r", review: "looks fine" }),
      completed({ type: "somethingNew", id: "x" }),
    ]).map((m) => m.message);
    expect(messages).toEqual([
      { role: "system", content: "[plan]\n1. do it" },
      { role: "system", content: "[review finished]\nlooks fine" },
      { role: "system", content: "[codex somethingNew]" },
    ]);
  });

  it("closes a tool item left open by an interrupted turn instead of dropping it", () => {
    const started = {
      type: "commandExecution",
      id: "c9",
      command: "sleep 100",
      cwd: "/w",
      status: "inProgress",
      aggregatedOutput: null,
      exitCode: null,
    };
    const messages = run([
      { method: "item/started", params: { threadId: "t", turnId: "turn-9", item: started } },
      {
        method: "item/completed",
        params: {
          threadId: "t",
          turnId: "turn-9",
          item: { type: "reasoning", id: "r", summary: ["hmm"], content: [] },
        },
      },
      { method: "turn/completed", params: { threadId: "t", turn: { id: "turn-9", status: "interrupted" } } },
    ]);
    expect(messages.map((m) => m.message)).toEqual([
      {
        role: "assistant",
        content: "",
        reasoning: "hmm",
        tool_calls: [
          {
            id: "codex_exec_c9",
            type: "function",
            function: { name: "exec_command", arguments: '{"command":"sleep 100","cwd":"/w"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "codex_exec_c9", content: "[interrupted] no result" },
    ]);
    expect(messages[0]?.turnId).toBe("turn-9");
  });

  it("keeps reasoning that no message followed", () => {
    const messages = run([
      completed({ type: "reasoning", id: "r1", summary: ["only thoughts"], content: [] }, "turn-2"),
      { method: "turn/completed", params: { threadId: "t", turn: { id: "turn-2" } } },
    ]);
    expect(messages.map((m) => m.message)).toEqual([
      { role: "assistant", content: "", reasoning: "only thoughts" },
    ]);
  });

  it("caps large outputs with an explicit marker", () => {
    const big = `${"a".repeat(5000)}END`;
    const messages = run(
      [
        completed({
          type: "commandExecution",
          id: "big",
          command: "cat big",
          cwd: "/",
          status: "completed",
          aggregatedOutput: big,
          exitCode: 0,
        }),
      ],
      { maxOutputChars: 1000 },
    );
    const content = messages[1]?.message.content ?? "";
    expect(content.length).toBeLessThanOrEqual(1000);
    expect(content).toMatch(/\[… truncated \d+ characters …\]/);
    expect(content.endsWith("END")).toBe(true);
    expect(truncate("short", 10)).toBe("short");
  });
});
