import { describe, expect, it } from "vitest";
import type { SessionEvent, TurnResult } from "../../../src/codex/events.js";
import { type Output } from "../../../src/cli/output.js";
import { describeTurnError, HumanRenderer } from "../../../src/cli/render.js";

function capture() {
  const log: Array<["out" | "err", string]> = [];
  const out: Output = { stdout: (t) => log.push(["out", t]), stderr: (t) => log.push(["err", t]) };
  return {
    out,
    stdout: () =>
      log
        .filter(([k]) => k === "out")
        .map(([, t]) => t)
        .join(""),
    stderr: () =>
      log
        .filter(([k]) => k === "err")
        .map(([, t]) => t)
        .join(""),
  };
}

const base = { sessionId: "s", threadId: "t", turnId: "u" };
const ev = (e: Record<string, unknown>) => ({ ...base, ...e }) as SessionEvent;
const agentMessage = (id: string, text: string) => ({ type: "agentMessage", id, text });
const command = (id: string, status = "completed") => ({
  type: "commandExecution",
  id,
  command: "/bin/bash -lc 'mkdir x'",
  status,
  exitCode: 0,
});

describe("HumanRenderer", () => {
  it("prints an agentMessage that completes without deltas, and does not repeat a streamed one", () => {
    const c = capture();
    const r = new HumanRenderer(c.out);
    r.event(ev({ type: "item.completed", item: agentMessage("m1", "Whole."), messages: [] }));
    r.event(ev({ type: "text.delta", itemId: "m2", delta: "Stre" }));
    r.event(ev({ type: "text.delta", itemId: "m2", delta: "amed." }));
    r.event(ev({ type: "item.completed", item: agentMessage("m2", "Streamed."), messages: [] }));
    expect(c.stdout()).toBe("Whole.\nStreamed.\n");
  });

  it("shows a command after its approval, not before", () => {
    const c = capture();
    const r = new HumanRenderer(c.out);
    const approval = { id: "a1", itemId: "c1", summary: "run `mkdir x`" };
    r.event(ev({ type: "item.started", item: command("c1", "inProgress") }));
    r.event(ev({ type: "approval.requested", approval }));
    expect(c.stderr()).toBe("? approval: run `mkdir x`\n");
    r.event(
      ev({ type: "approval.resolved", approval, decision: { decision: "accept" }, decidedBy: "policy" }),
    );
    r.event(ev({ type: "item.completed", item: command("c1"), messages: [] }));
    expect(c.stderr()).toBe("? approval: run `mkdir x`\n  → accept (by policy)\n$ mkdir x\n");
  });

  it("a declined command is not shown as run", () => {
    const c = capture();
    const r = new HumanRenderer(c.out);
    r.event(ev({ type: "item.started", item: command("c1", "inProgress") }));
    r.event(ev({ type: "item.completed", item: command("c1", "declined"), messages: [] }));
    expect(c.stderr()).not.toContain("$ mkdir");
    expect(c.stderr()).toContain("declined");
  });

  it("names --timeout, not the library option, in a timeout", () => {
    const error = {
      code: "TURN_TIMEOUT",
      message: "the turn ran longer than 5000 ms (turnTimeoutMs)",
    } as const;
    expect(describeTurnError(error, 5)).toBe("it ran longer than 5 s (--timeout 5) and was interrupted");
    const c = capture();
    new HumanRenderer(c.out, { timeoutSeconds: 5 }).result({
      ...base,
      status: "failed",
      finalText: "",
      messages: [],
      items: [],
      usage: null,
      error,
    });
    expect(c.stderr()).not.toContain("turnTimeoutMs");
  });

  it("the closing hint names --remote URL (never a token) when the session lives on a gateway", () => {
    const result: TurnResult = {
      ...base,
      status: "completed",
      finalText: "",
      messages: [],
      items: [],
      usage: null,
    };
    const local = capture();
    new HumanRenderer(local.out).result(result);
    expect(local.stderr()).toBe("session s (continue with --session s)\n");
    const remote = capture();
    new HumanRenderer(remote.out, { remote: "ws://127.0.0.1:7777" }).result(result);
    expect(remote.stderr()).toBe("session s (continue with --session s --remote ws://127.0.0.1:7777)\n");
  });
});
