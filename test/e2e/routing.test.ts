import { describe, expect, it } from "vitest";
import type { CodexNotification } from "../../src/codex/client.js";
import { reply } from "../../src/testing/index.js";
import { launchCodex, textInput } from "../harness/launch.js";

async function collectTurn(stream: AsyncIterableIterator<CodexNotification>): Promise<CodexNotification[]> {
  const seen: CodexNotification[] = [];
  for await (const n of stream) {
    seen.push(n);
    if (n.method === "turn/completed") break;
  }
  return seen;
}

describe("one process, many threads (real codex)", () => {
  it("routes each thread's notifications to its own subscribers during concurrent turns", async () => {
    await using codex = await launchCodex({
      // The reply depends on the prompt, so each thread's text proves where it came from.
      script: (request) => {
        const prompt = JSON.stringify(request.body.input);
        return reply.text(prompt.includes("alpha") ? "answer for alpha" : "answer for beta");
      },
    });
    const { client, workdir } = codex;
    const a = (await client.threadStart({ cwd: workdir })).thread.id;
    const b = (await client.threadStart({ cwd: workdir })).thread.id;
    expect(a).not.toBe(b);
    const streamA = client.notifications({ threadId: a });
    const streamB = client.notifications({ threadId: b });
    await Promise.all([
      client.turnStart({ threadId: a, input: textInput("alpha") }),
      client.turnStart({ threadId: b, input: textInput("beta") }),
    ]);
    const [eventsA, eventsB] = await Promise.all([collectTurn(streamA), collectTurn(streamB)]);
    expect(eventsA.every((n) => n.threadId === a)).toBe(true);
    expect(eventsB.every((n) => n.threadId === b)).toBe(true);
    const text = (events: CodexNotification[]) =>
      events.flatMap((n) => (n.method === "item/agentMessage/delta" ? [n.params.delta] : [])).join("");
    expect(text(eventsA)).toBe("answer for alpha");
    expect(text(eventsB)).toBe("answer for beta");
  });

  it("passes -c config overrides to codex", async () => {
    await using codex = await launchCodex({
      script: [reply.text("ok")],
      client: { configOverrides: { model: "override-model" } },
    });
    const { client, workdir, mock } = codex;
    const { thread } = await client.threadStart({ cwd: workdir });
    const done = client.notifications({ threadId: thread.id, methods: ["turn/completed"] });
    await client.turnStart({ threadId: thread.id, input: textInput("hi") });
    await done.next();
    await done.return?.();
    expect(mock.requests[0]?.body.model).toBe("override-model");
  });
});
