import { existsSync, readFileSync } from "node:fs";
import { join, relative as relativePath } from "node:path";
import { describe, expect, it } from "vitest";
import { CodexBridge } from "../../src/codex/bridge.js";
import type { SessionEvent } from "../../src/codex/events.js";
import { functionCallOutputs, item, reply, respond } from "../../src/testing/index.js";
import { launchBridge } from "../harness/bridge.js";

async function collect(events: AsyncIterable<SessionEvent>): Promise<SessionEvent[]> {
  const out: SessionEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

describe("sessions on the real codex", () => {
  it("runs a turn: final text, transcript, usage, and everything stored", async () => {
    await using f = await launchBridge([respond([item.reasoning("Plan: greet."), item.message("Hello!")])]);
    const session = await f.bridge.startSession({ cwd: f.workdir });
    expect(session.threadId).toMatch(/^[0-9a-f-]{36}$/);
    const result = await session.run("greet me");
    expect(result).toMatchObject({
      status: "completed",
      finalText: "Hello!",
      sessionId: session.id,
      threadId: session.threadId,
      usage: { inputTokens: 12, outputTokens: 3, totalTokens: 15 },
    });
    expect(result.messages).toEqual([
      { role: "user", content: "greet me" },
      { role: "assistant", content: "Hello!", reasoning: "Plan: greet." },
    ]);
    const store = f.bridge.store;
    expect(store?.getSession(session.id)).toMatchObject({
      threadId: session.threadId,
      status: "idle",
      title: "greet me",
    });
    expect(store?.listTurns(session.id)).toMatchObject([
      { idx: 1, turnId: result.turnId, status: "completed", finalText: "Hello!" },
    ]);
    expect(session.transcript()).toEqual(result.messages);
    const journal = store?.readEvents(session.id) ?? [];
    expect(journal.map((e) => e.seq)).toEqual(journal.map((_, i) => i + 1));
    expect(journal[0]?.type).toBe("turn.started");
    expect(journal.at(-1)?.type).toBe("turn.completed");
    expect(journal.some((e) => e.type === "reasoning.delta")).toBe(true);
  });

  it("rejects bad options by name, and takes a relative cwd as the caller's", async () => {
    await using f = await launchBridge([reply.text("ok")]);
    await expect(f.bridge.startSession({ cwd: "" })).rejects.toThrow('cwd must be a directory path, got ""');
    expect(() => new CodexBridge({ maxOutputChars: 5 })).toThrow(
      "maxOutputChars must be a whole number of characters >= 200, got 5",
    );
    expect(() => new CodexBridge({ interruptGraceMs: 0 })).toThrow("interruptGraceMs must be > 0, got 0");
    await expect(f.bridge.startSession({ cwd: f.workdir, watchdog: { quietTimeoutMs: -5 } })).rejects.toThrow(
      "watchdog.quietTimeoutMs must be a number of ms >= 0, got -5",
    );
    const relative = relativePath(process.cwd(), f.workdir);
    const session = await f.bridge.startSession({ cwd: relative });
    expect(session.options.cwd).toBe(f.workdir);
    expect(f.bridge.store?.getSession(session.id)?.cwd).toBe(f.workdir);
  });

  it("keeps the transcript in memory when the bridge has no store", async () => {
    await using f = await launchBridge([reply.text("no disk")], { store: false });
    const session = await f.bridge.startSession({ cwd: f.workdir });
    expect((await session.run("hello")).finalText).toBe("no disk");
    expect(f.bridge.store).toBeNull();
    expect(session.transcript()).toEqual([
      { role: "user", content: "hello" },
      { role: "assistant", content: "no disk" },
    ]);
  });

  it("streams events live, in order, and leaving the loop early leaks nothing", async () => {
    await using f = await launchBridge([
      reply.text("one two three", { deltas: ["one ", "two ", "three"] }),
      reply.text("second turn"),
    ]);
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const streamed = session.runStreamed("count");
    const events = await collect(streamed.events);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe("turn.started");
    expect(types.at(-1)).toBe("turn.completed");
    expect(events.flatMap((e) => (e.type === "text.delta" ? [e.delta] : []))).toEqual([
      "one ",
      "two ",
      "three",
    ]);
    expect(types.indexOf("text.delta")).toBeLessThan(types.lastIndexOf("item.completed"));
    expect((await streamed.result).finalText).toBe("one two three");

    const second = session.runStreamed("again");
    for await (const e of second.events) {
      if (e.type === "turn.started") break;
    }
    const result = await second.result;
    expect(result).toMatchObject({ status: "completed", finalText: "second turn" });
    expect(session.running).toBe(false);
  });

  it("refuses a second turn while one runs, and empty input", async () => {
    await using f = await launchBridge([reply.stall()], { interruptGraceMs: 2000 });
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const first = session.runStreamed("wait");
    expect(() => session.runStreamed("again")).toThrow(/already running a turn/);
    await f.mock.waitForRequests(1);
    await session.interrupt();
    expect((await first.result).status).toBe("interrupted");
    expect(() => session.runStreamed("   ")).toThrow(/turn input is empty/);
  });

  it("reports a provider failure as a failed turn with codex's error", async () => {
    await using f = await launchBridge([reply.httpError(500, "mock exploded")]);
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const result = await session.run("fail");
    expect(result.status).toBe("failed");
    expect(result.error).toMatchObject({ code: "TURN_FAILED", codexErrorInfo: "internalServerError" });
    expect(f.bridge.store?.getSession(session.id)?.status).toBe("failed");
  });

  it("turns an authentication failure into a message that says to run codex login", async () => {
    await using f = await launchBridge([reply.httpError(401, "invalid_grant: token expired")]);
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const result = await session.run("hi");
    expect(result.status).toBe("failed");
    expect(result.error?.code).toBe("AUTH_REQUIRED");
    expect(result.error?.message).toContain("run `npx codex login`");
  });

  it("treats <turn_aborted> in the agent's text as the end of the turn", async () => {
    await using f = await launchBridge([reply.text("<turn_aborted>The user interrupted.</turn_aborted>")]);
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const result = await session.run("hi");
    expect(result.status).toBe("interrupted");
  });

  it("interrupts a turn through session.interrupt() and through an AbortSignal", async () => {
    await using f = await launchBridge([reply.stall(), reply.stall(), reply.text("after")]);
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const pending = session.run("hang");
    await f.mock.waitForRequests(1);
    await session.interrupt();
    expect((await pending).status).toBe("interrupted");

    const controller = new AbortController();
    const viaSignal = session.run("hang again", { signal: controller.signal });
    await f.mock.waitForRequests(2);
    controller.abort();
    expect((await viaSignal).status).toBe("interrupted");
    // The session goes on after interrupts.
    expect((await session.run("go on")).finalText).toBe("after");
  });

  it("an interrupt or a steer right after starting a turn waits for the turn instead of being lost", async () => {
    // The first model call stalls (if the interrupt lets it happen at all); every later one answers. Under
    // load codex may make one more call to carry the steer in, so no fixed number of replies is assumed.
    let calls = 0;
    await using f = await launchBridge((r) =>
      calls++ === 0 &&
      JSON.stringify(r.body.input).includes("hang") &&
      !JSON.stringify(r.body.input).includes("proceed-7f3")
        ? reply.stall()
        : reply.text("steered early"),
    );
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const first = session.runStreamed("hang");
    await session.interrupt(); // before turn/start has even been sent
    expect((await first.result).status).toBe("interrupted");
    const second = session.runStreamed("proceed-7f3");
    await session.steer("also this, sent before codex confirmed the turn");
    expect((await second.result).status).toBe("completed");
    expect(f.mock.requests.map((r) => JSON.stringify(r.body.input)).join("\n")).toContain(
      "also this, sent before codex confirmed",
    );
  });

  it("steers a running turn: the next model call carries the new input", async () => {
    await using f = await launchBridge(
      [reply.execCommand("sleep 1.5", { callId: "call-sleep" }), reply.text("steered")],
      {},
      { sandboxMode: "danger-full-access" },
    );
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const streamed = session.runStreamed("start");
    for await (const e of streamed.events) {
      if (e.type === "item.started" && e.item.type === "commandExecution") {
        await session.steer("also mention bananas");
        break;
      }
    }
    const result = await streamed.result;
    expect(result.status).toBe("completed");
    expect(JSON.stringify(f.mock.requests[1]?.body.input)).toContain("also mention bananas");
  });
});

describe("approvals on the real codex", () => {
  it("asks the handler for a command, shows the decision in events, transcript and audit", async () => {
    const asked: string[] = [];
    await using f = await launchBridge(
      [reply.execCommand("echo approved-run", { callId: "c1" }), reply.text("ran")],
      {
        approvals: {
          onRequest: (req) => {
            asked.push(req.summary);
            return { decision: "accept" };
          },
        },
      },
    );
    const session = await f.bridge.startSession({
      cwd: f.workdir,
      approvalPolicy: "untrusted",
      sandbox: "danger-full-access",
    });
    const streamed = session.runStreamed("run it");
    const events = await collect(streamed.events);
    const result = await streamed.result;
    expect(result.status).toBe("completed");
    expect(asked).toEqual([expect.stringMatching(/^run `echo approved-run` in /)]);
    const requested = events.find((e) => e.type === "approval.requested");
    const resolved = events.find((e) => e.type === "approval.resolved");
    expect(requested).toMatchObject({ approval: { kind: "command", itemId: "c1" } });
    expect(resolved).toMatchObject({ decision: { decision: "accept" }, decidedBy: "handler" });
    const toolResult = result.messages.find((m) => m.role === "tool");
    expect(toolResult).toMatchObject({
      tool_call_id: "codex_exec_c1",
      content: expect.stringContaining("approved-run"),
    });
    expect(f.bridge.store?.listApprovals(session.id)).toMatchObject([
      { kind: "command", decision: "accept", decidedBy: "handler", itemId: "c1" },
    ]);
  });

  it("fails closed: with no handler the command is declined and the model is told", async () => {
    await using f = await launchBridge([
      reply.execCommand("touch should-not-exist", { callId: "c2" }),
      reply.text("ok"),
    ]);
    const session = await f.bridge.startSession({
      cwd: f.workdir,
      approvalPolicy: "untrusted",
      sandbox: "danger-full-access",
    });
    const result = await session.run("try");
    expect(existsSync(join(f.workdir, "should-not-exist"))).toBe(false);
    expect(result.messages.find((m) => m.role === "tool")?.content).toBe(
      "[declined] the command was not run",
    );
    expect(f.bridge.store?.listApprovals(session.id)).toMatchObject([
      { decision: "decline", decidedBy: "no-handler" },
    ]);
  });

  it("declines when the handler does not answer in time", async () => {
    await using f = await launchBridge([reply.execCommand("echo late", { callId: "c3" }), reply.text("ok")], {
      approvals: { timeoutMs: 200, onRequest: () => new Promise(() => {}) },
    });
    const session = await f.bridge.startSession({ cwd: f.workdir, approvalPolicy: "untrusted" });
    const result = await session.run("try");
    expect(result.status).toBe("completed");
    expect(f.bridge.store?.listApprovals(session.id)).toMatchObject([
      { decision: "decline", decidedBy: "timeout", reason: "no decision within 200 ms" },
    ]);
  });

  it("shows the changeset of a patch and writes the file once accepted", async () => {
    const summaries: string[] = [];
    await using f = await launchBridge(
      [respond([item.addFilePatch("notes.txt", "line one", { callId: "p1" })]), reply.text("wrote it")],
      {
        approvals: {
          onRequest: (req) => {
            summaries.push(req.summary);
            expect(req.fileChange?.changes).toEqual([
              { path: expect.stringMatching(/notes\.txt$/), kind: "add" },
            ]);
            return { decision: "accept" };
          },
        },
      },
    );
    const session = await f.bridge.startSession({ cwd: f.workdir, approvalPolicy: "untrusted" });
    const result = await session.run("write notes");
    expect(result.status).toBe("completed");
    expect(summaries).toEqual([expect.stringMatching(/^apply a patch: add .*notes\.txt$/)]);
    expect(readFileSync(join(f.workdir, "notes.txt"), "utf8")).toBe("line one\n");
    expect(result.messages.find((m) => m.role === "tool")?.content).toMatch(/^\[applied\]\nadd /);
  });

  it("accepts by rule: a command whose argv starts with an allowed prefix", async () => {
    await using f = await launchBridge(
      [reply.execCommand("echo by-rule", { callId: "c4" }), reply.text("done")],
      {
        approvals: {
          policy: { rules: [{ commandPrefix: ["echo"], decision: "accept" }], otherwise: "decline" },
        },
      },
    );
    const session = await f.bridge.startSession({
      cwd: f.workdir,
      approvalPolicy: "untrusted",
      sandbox: "danger-full-access",
    });
    const result = await session.run("rule");
    expect(result.messages.find((m) => m.role === "tool")?.content).toContain("by-rule");
    expect(f.bridge.store?.listApprovals(session.id)).toMatchObject([
      { decision: "accept", decidedBy: "rule" },
    ]);
  });

  it("does not count time waiting on a person toward the turn deadline", async () => {
    await using f = await launchBridge(
      [reply.execCommand("echo slow-human", { callId: "c5" }), reply.text("done")],
      {
        watchdog: { turnTimeoutMs: 3000 },
        approvals: {
          onRequest: () => new Promise((resolve) => setTimeout(() => resolve({ decision: "accept" }), 4000)),
        },
      },
    );
    const session = await f.bridge.startSession({
      cwd: f.workdir,
      approvalPolicy: "untrusted",
      sandbox: "danger-full-access",
    });
    const result = await session.run("slow");
    expect(result.status).toBe("completed");
    expect(result.finalText).toBe("done");
  });

  it("audits an approval for a thread no session owns, and declines it", async () => {
    await using f = await launchBridge([
      reply.execCommand("echo orphan", { callId: "c6" }),
      reply.text("ok"),
    ]);
    const { client } = await f.bridge.client();
    const { thread } = await client.threadStart({ cwd: f.workdir });
    const done = client.notifications({ threadId: thread.id, methods: ["turn/completed"] });
    await client.turnStart({
      threadId: thread.id,
      input: [{ type: "text", text: "x", text_elements: [] }],
      approvalPolicy: "untrusted",
    });
    await done.next();
    await done.return?.();
    const outputs = functionCallOutputs(f.mock.requests[1]?.body ?? {});
    expect(String(outputs.get("c6"))).toMatch(/reject|declin|denied/i);
    const row = f.bridge.store?.db
      .prepare("SELECT decided_by, decision FROM approvals WHERE session_id IS NULL")
      .get();
    expect(row).toEqual({ decided_by: "policy", decision: "decline" });
  });
});
