import { describe, expect, it } from "vitest";
import type { CodexNotification } from "../../src/codex/client.js";
import { reply } from "../../src/testing/index.js";
import { launchCodex, textInput } from "../harness/launch.js";

describe("a plain text turn (real codex, mock model)", () => {
  it("streams agentMessage deltas and completes with the scripted text", async () => {
    await using codex = await launchCodex({
      script: [reply.text("Hello from the mock model.", { deltas: ["Hello ", "from the ", "mock model."] })],
    });
    const { client, workdir, mock } = codex;
    const started = await client.threadStart({ cwd: workdir });
    const threadId = started.thread.id;
    const events: CodexNotification[] = [];
    const iterator = client.notifications({ threadId });
    const turn = await client.turnStart({ threadId, input: textInput("say hello") });
    for await (const n of iterator) {
      events.push(n);
      if (n.method === "turn/completed") break;
    }

    const methods = events.map((e) => e.method);
    const startedAt = methods.indexOf("turn/started");
    const firstDelta = methods.indexOf("item/agentMessage/delta");
    expect(startedAt).toBeGreaterThanOrEqual(0);
    expect(firstDelta).toBeGreaterThan(startedAt);
    expect(methods.at(-1)).toBe("turn/completed");
    const deltas = events.flatMap((e) => (e.method === "item/agentMessage/delta" ? [e.params.delta] : []));
    expect(deltas).toEqual(["Hello ", "from the ", "mock model."]);
    const completedItems = events.flatMap((e) => (e.method === "item/completed" ? [e.params.item] : []));
    const agent = completedItems.find((i) => i.type === "agentMessage");
    expect(agent).toMatchObject({ type: "agentMessage", text: "Hello from the mock model." });
    const user = completedItems.find((i) => i.type === "userMessage");
    expect(user).toMatchObject({ type: "userMessage" });
    const completed = events.at(-1);
    expect(completed?.method === "turn/completed" && completed.params.turn).toMatchObject({
      id: turn.turn.id,
      status: "completed",
      error: null,
    });
    // Every notification of this stream belongs to this thread.
    expect(events.every((e) => e.threadId === threadId)).toBe(true);
    // The model saw the user's words.
    expect(JSON.stringify(mock.requests[0]?.body.input)).toContain("say hello");
    expect(mock.requests[0]?.body.model).toBe("mock-model");
  });

  it("reports a provider failure as a failed turn with codex's error", async () => {
    await using codex = await launchCodex({ script: [reply.httpError(500, "mock exploded")] });
    const { client, workdir } = codex;
    const { thread } = await client.threadStart({ cwd: workdir });
    const iterator = client.notifications({ threadId: thread.id, methods: ["error", "turn/completed"] });
    await client.turnStart({ threadId: thread.id, input: textInput("fail please") });
    const seen: CodexNotification[] = [];
    for await (const n of iterator) {
      seen.push(n);
      if (n.method === "turn/completed") break;
    }
    const completed = seen.at(-1);
    expect(completed?.method).toBe("turn/completed");
    if (completed?.method !== "turn/completed") return;
    expect(completed.params.turn.status).toBe("failed");
    expect(completed.params.turn.error?.codexErrorInfo).toBe("internalServerError");
    expect(seen.some((n) => n.method === "error")).toBe(true);
  });
});
