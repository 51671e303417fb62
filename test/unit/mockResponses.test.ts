import { describe, expect, it } from "vitest";
import { functionCallOutputs, item, reply, respond, startMockResponses } from "../../src/testing/index.js";

async function post(url: string, body: unknown) {
  const res = await fetch(`${url}/responses`, { method: "POST", body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

function events(text: string) {
  return text
    .split("\n\n")
    .filter(Boolean)
    .map((block) => {
      const [eventLine, dataLine] = block.split("\n");
      const data = JSON.parse((dataLine ?? "").replace(/^data: /, "")) as { type: string };
      expect(eventLine).toBe(`event: ${data.type}`);
      return data;
    });
}

describe("the mock Responses API", () => {
  it("answers scripted replies in order, records bodies, and reports a script that ran out", async () => {
    await using mock = await startMockResponses([
      reply.text("one", { deltas: 2 }),
      reply.httpError(503, "busy"),
    ]);
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const first = await post(mock.url, { input: [{ type: "message", content: "hi" }] });
    expect(first.status).toBe(200);
    expect(events(first.text).map((e) => e.type)).toEqual([
      "response.created",
      "response.output_item.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_item.done",
      "response.completed",
    ]);
    expect((await post(mock.url, {})).status).toBe(503);
    const third = await post(mock.url, {});
    expect(third.status).toBe(500);
    expect(mock.problems).toEqual(["request 2: the mock script has 2 replies; request 2 has none"]);
    expect(mock.requests.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(mock.requests[0]?.body).toEqual({ input: [{ type: "message", content: "hi" }] });
  });

  it("builds tool calls the way codex expects them", () => {
    const mcp = item.mcpCall("echo", "echo", { text: "ping" }, { callId: "c1" })[0];
    expect(mcp).toMatchObject({
      type: "response.output_item.done",
      item: {
        type: "function_call",
        call_id: "c1",
        namespace: "mcp__echo",
        name: "echo",
        arguments: '{"text":"ping"}',
      },
    });
    const patch = item.addFilePatch("hello.txt", "hi")[0] as unknown as { item: { arguments: string } };
    expect(JSON.parse(patch.item.arguments).cmd).toBe(
      "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch\nEOF",
    );
    const cut = reply.cut([item.message("partial")]);
    expect(cut.kind === "sse" && cut.events.some((e) => e.type === "response.completed")).toBe(false);
    const full = respond([item.reasoning("think"), item.message("answer")]);
    expect(full.kind === "sse" && full.events.at(-1)?.type).toBe("response.completed");
  });

  it("extracts function_call_output items from a follow-up request", () => {
    const outputs = functionCallOutputs({
      input: [
        { type: "function_call", call_id: "a" },
        { type: "function_call_output", call_id: "a", output: "result-a" },
      ],
    });
    expect(outputs.get("a")).toBe("result-a");
  });

  it("holds a stalled stream open until closed", async () => {
    const mock = await startMockResponses([reply.stall()]);
    const res = await fetch(`${mock.url}/responses`, { method: "POST", body: "{}" });
    const reader = res.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toContain("response.created");
    const next = reader?.read();
    await mock.close();
    await expect(next).rejects.toThrow();
  });
});
