import { describe, expect, it } from "vitest";
import { item, reply, respond } from "../../src/testing/index.js";
import { launchBridge } from "../harness/bridge.js";
import { isAlive } from "../harness/tracking.js";

const promptsOf = (body: { input?: Array<Record<string, unknown>> } | undefined) =>
  JSON.stringify(body?.input ?? []);

describe("watchdogs on the real codex", () => {
  it("interrupts a turn that runs past its deadline and says which watchdog fired", async () => {
    await using f = await launchBridge([reply.stall()], { watchdog: { turnTimeoutMs: 600 } });
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const result = await session.run("hang");
    expect(result.status).toBe("failed");
    expect(result.error).toMatchObject({ code: "TURN_TIMEOUT" });
    expect(result.error?.message).toContain("600 ms limit");
  });

  it("interrupts a turn that goes quiet after a tool finished", async () => {
    await using f = await launchBridge(
      [reply.execCommand("echo tool-done", { callId: "q1" }), reply.stall()],
      { watchdog: { quietTimeoutMs: 700 } },
      { sandboxMode: "danger-full-access" },
    );
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const result = await session.run("stall after tool");
    expect(result.status).toBe("failed");
    expect(result.error).toMatchObject({ code: "TURN_STALLED" });
    // The tool's call and result are in the transcript even though the turn failed.
    expect(result.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
  });

  it("retires a process that does not answer the interrupt, and the next turn gets a fresh one", async () => {
    await using f = await launchBridge([reply.stall(), reply.text("fresh process")], {
      watchdog: { turnTimeoutMs: 500 },
      interruptGraceMs: 500,
    });
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const pid = await f.pid();
    const pending = session.run("hang");
    await f.mock.waitForRequests(1);
    process.kill(pid, "SIGSTOP"); // frozen: it can neither confirm the interrupt nor exit on its own
    const result = await pending;
    expect(result.status).toBe("failed");
    expect(result.error?.code).toBe("TURN_TIMEOUT");
    expect(isAlive(pid)).toBe(false);
    const next = await session.run("again");
    expect(next).toMatchObject({ status: "completed", finalText: "fresh process" });
    expect(await f.pid()).not.toBe(pid);
  });
});

describe("crashes and restarts on the real codex", () => {
  it("fails the turn with the exit info when codex dies, then respawns and resumes the same thread", async () => {
    await using f = await launchBridge([
      reply.text("first answer"),
      reply.stall(),
      reply.text("after the crash"),
    ]);
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const threadId = session.threadId;
    expect((await session.run("remember the word kumquat")).finalText).toBe("first answer");

    const pid = await f.pid();
    const crashed = session.run("this turn will crash");
    await f.mock.waitForRequests(2);
    process.kill(pid, "SIGKILL");
    const failed = await crashed;
    expect(failed.status).toBe("failed");
    expect(failed.error?.code).toBe("PROCESS_EXITED");
    expect(failed.error?.message).toContain("signal SIGKILL");

    const resumed = await session.run("what was the word?");
    expect(resumed).toMatchObject({ status: "completed", finalText: "after the crash", threadId });
    expect(await f.pid()).not.toBe(pid);
    // The resumed thread still carries the first turn: codex sent it to the model again.
    expect(promptsOf(f.mock.requests[2]?.body)).toContain("remember the word kumquat");
    // Nothing stored was lost, and the transcript continues in order.
    const contents = session.transcript().map((m) => m.content);
    expect(contents).toEqual([
      "remember the word kumquat",
      "first answer",
      "this turn will crash",
      "what was the word?",
      "after the crash",
    ]);
    expect(f.bridge.store?.listTurns(session.id).map((t) => t.status)).toEqual([
      "completed",
      "failed",
      "completed",
    ]);
  });

  it("resumes a stored session in a new bridge after a host restart", async () => {
    await using f = await launchBridge([
      respond([item.message("noted")]),
      reply.text("continuing where we left off"),
    ]);
    const first = await f.bridge.startSession({ cwd: f.workdir });
    await first.run("the secret is 42");
    await f.bridge.close();

    const restarted = f.restart();
    const session = await restarted.resumeSession(first.id);
    expect(session.id).toBe(first.id);
    expect(session.threadId).toBe(first.threadId);
    const result = await session.run("what is the secret?");
    expect(result.finalText).toBe("continuing where we left off");
    expect(promptsOf(f.mock.requests[1]?.body)).toContain("the secret is 42");
    expect(session.transcript().map((m) => m.content)).toEqual([
      "the secret is 42",
      "noted",
      "what is the secret?",
      "continuing where we left off",
    ]);
  });

  it("says clearly when a session cannot be resumed", async () => {
    await using f = await launchBridge([]);
    await expect(f.bridge.resumeSession("no-such-thread")).rejects.toThrow(
      /cannot resume thread no-such-thread/,
    );
    await expect(f.bridge.resumeSession("no-such-thread")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("keeps the cause's own code when resuming fails for another reason", async () => {
    await using f = await launchBridge([reply.text("stored")]);
    const first = await f.bridge.startSession({ cwd: f.workdir });
    await first.run("remember me");
    await f.bridge.close();
    // No codex binary where the restarted host looks: that is the problem to report, not the session.
    const restarted = f.restart({ codexBin: "/nonexistent/codex" });
    await expect(restarted.resumeSession(first.id)).rejects.toMatchObject({ code: "CODEX_NOT_FOUND" });
  });
});
