import { describe, expect, it } from "vitest";
import { readMemory } from "../../src/store/knowledge.js";
import { DYNAMIC_NAMESPACE, dynamicToolProvider } from "../../src/mcp/dynamic.js";
import { builtinTools } from "../../src/mcp/tools/index.js";
import { functionCallOutputs, item, reply, respond } from "../../src/testing/index.js";
import { launchBridge } from "../harness/bridge.js";

describe("the same tools as codex dynamic tools, in-process (real codex, experimental API)", () => {
  it("announces them at thread start and runs calls in this process with the session's identity", async () => {
    await using f = await launchBridge(
      [
        respond([
          item.functionCall(
            "memory_write",
            { key: "dyn", content: "in-process" },
            { callId: "d1", namespace: DYNAMIC_NAMESPACE },
          ),
        ]),
        respond([
          item.functionCall("memory_write", { key: 7 }, { callId: "d2", namespace: DYNAMIC_NAMESPACE }),
        ]),
        reply.text("done"),
      ],
      { dynamicTools: dynamicToolProvider(builtinTools()) },
    );
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const result = await session.run("remember, in-process");
    expect(result.status, JSON.stringify(result.error)).toBe("completed");
    const tools = JSON.stringify(f.mock.requests[0]?.body.tools);
    expect(tools).toContain(`"name":"${DYNAMIC_NAMESPACE}"`);
    // No MCP subprocess is announced when the tools run in-process.
    expect(tools).not.toContain("mcp__codex_bridge_tools");
    expect(readMemory(f.bridge.store?.db as never, "dyn")).toMatchObject({
      content: "in-process",
      sessionId: session.id,
    });
    expect(JSON.stringify(functionCallOutputs(f.mock.requests[1]?.body ?? {}).get("d1"))).toContain("stored");
    const bad = JSON.stringify(functionCallOutputs(f.mock.requests[2]?.body ?? {}).get("d2"));
    expect(bad).toContain(
      "invalid arguments for memory_write: key: Invalid input: expected string, received number",
    );
    const calls = result.messages.filter((m) => m.tool_calls).map((m) => m.tool_calls?.[0]?.function.name);
    expect(calls).toEqual([`${DYNAMIC_NAMESPACE}.memory_write`, `${DYNAMIC_NAMESPACE}.memory_write`]);
    expect(result.messages.filter((m) => m.role === "tool")[1]?.content).toMatch(
      /^\[error\] invalid arguments/,
    );
  });
});
