// The web console's pure parts: the transcript model folds journalled events
// exactly once (a replayed seq is dropped), and Markdown from codex renders
// without raw HTML or unsafe links.
import { describe, expect, it } from "vitest";
import type { RuntimeEvent } from "../../src/runtime/runtime.js";
import { isSafeLink, renderMarkdown } from "../../web/src/markdown.js";
import { applyEvents, emptyTranscript } from "../../web/src/model/transcript.js";

let seq = 0;
function ev(event: RuntimeEvent["event"], at = ++seq): RuntimeEvent {
  return { sessionId: "s1", seq: at, at: 0, turnId: "t1", event };
}

describe("transcript model", () => {
  it("streams an answer, then keeps the completed text, and ends the turn with its usage", () => {
    seq = 0;
    const usage = {
      inputTokens: 5,
      cachedInputTokens: 0,
      outputTokens: 2,
      reasoningOutputTokens: 0,
      totalTokens: 7,
    };
    let m = applyEvents(emptyTranscript(), [
      ev({ type: "turn.started" }),
      ev({ type: "item.started", item: { type: "agentMessage", id: "a1", text: "" } }),
      ev({ type: "text.delta", itemId: "a1", delta: "hel" }),
    ]);
    expect(m.running).toBe(true);
    expect(m.entries).toHaveLength(1);
    expect(m.entries[0]).toMatchObject({ kind: "item", text: "hel", completed: false });
    const before = m.entries[0];
    m = applyEvents(m, [
      ev({ type: "text.delta", itemId: "a1", delta: "lo" }),
      ev({ type: "item.completed", item: { type: "agentMessage", id: "a1", text: "hello" }, messages: [] }),
      ev({ type: "usage", usage }),
      ev({
        type: "turn.completed",
        result: {
          status: "completed",
          finalText: "hello",
          messages: [],
          items: [],
          usage,
          sessionId: "s1",
          threadId: "th",
          turnId: "t1",
        },
      }),
    ]);
    expect(m.entries[0]).toMatchObject({ text: "hello", completed: true });
    expect(m.entries[0]).not.toBe(before);
    expect(m.entries[1]).toMatchObject({ kind: "turnEnd", status: "completed", usage });
    expect(m.running).toBe(false);
    expect(m.lastSeq).toBe(7);
  });

  it("drops events at or below the cursor, so a replay after a reconnect shows nothing twice", () => {
    seq = 0;
    const events = [
      ev({ type: "item.started", item: { type: "commandExecution", id: "c1", command: "ls" } }),
      ev({ type: "command.output", itemId: "c1", delta: "a\n" }),
      ev({ type: "command.output", itemId: "c1", delta: "b\n" }),
    ];
    const once = applyEvents(emptyTranscript(), events);
    const twice = applyEvents(once, [
      ...events.slice(1),
      ev({ type: "command.output", itemId: "c1", delta: "c\n" }),
    ]);
    expect(twice.entries).toHaveLength(1);
    expect(twice.entries[0]).toMatchObject({ output: "a\nb\nc\n" });
    expect(twice.duplicates).toBe(2);
    expect(twice.applied).toBe(4);
  });

  it("keeps an approval pending until it is resolved", () => {
    seq = 0;
    const request = {
      id: "approval-1",
      kind: "command" as const,
      method: "item/commandExecution/requestApproval" as const,
      threadId: "th",
      turnId: "t1",
      itemId: "c1",
      summary: "run `ls`",
      reason: null,
      params: {},
    };
    let m = applyEvents(emptyTranscript(), [
      ev({ type: "approval.pending", approval: { id: "p1", sessionId: "s1", request, requestedAt: 0 } }),
    ]);
    expect(m.pending.map((p) => p.id)).toEqual(["p1"]);
    m = applyEvents(m, [
      ev({
        type: "approval.resolved",
        approval: request,
        decision: { decision: "decline" },
        decidedBy: "handler",
      }),
    ]);
    expect(m.pending).toEqual([]);
    expect(m.entries.at(-1)).toMatchObject({ kind: "notice", level: "approval" });
  });
});

describe("markdown from codex", () => {
  it("shows raw HTML as text and drops unsafe link targets", () => {
    const html = renderMarkdown(
      '<script>alert(1)</script> <img src=x onerror="alert(2)"> [x](javascript:alert(3)) [y](JAVASCRIPT:alert(4)) [z](java\tscript:alert(5)) [ok](https://example.com) ![i](data:image/png;base64,AA)',
    );
    // The only elements are the paragraph and the one safe link; the rest is escaped text.
    expect([...html.matchAll(/<(\w+)/g)].map((m) => m[1])).toEqual(["p", "a"]);
    expect([...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1])).toEqual(["https://example.com"]);
    expect(html).toContain("&lt;script&gt;");
    expect(html).toContain('href="https://example.com"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
  });

  it("allows only http, https and mailto", () => {
    expect(["https://a.b", "http://a.b", "mailto:x@y.z"].every(isSafeLink)).toBe(true);
    expect(
      ["javascript:x", " javascript:x", "vbscript:x", "data:text/html,x", "/relative", "file:///etc"].some(
        isSafeLink,
      ),
    ).toBe(false);
  });
});
