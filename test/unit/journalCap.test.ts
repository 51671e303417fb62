// The journal keeps command output as the transcript does: capped per item,
// with one marker saying what was cut; live events are not touched.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { CodexBridge } from "../../src/codex/bridge.js";
import { BridgeError } from "../../src/errors.js";
import { JournalCapper, truncateOutput } from "../../src/store/journalCap.js";
import { BridgeStore } from "../../src/store/store.js";

const delta = (itemId: string, text: string) => ({ itemId, delta: text });

describe("JournalCapper", () => {
  it("journals command output up to the cap, then one truncated marker, then nothing", () => {
    const capper = new JournalCapper(1000);
    const kept: unknown[] = [];
    for (let i = 0; i < 50; i++) {
      const out = capper.cap("s", "command.output", delta("cmd", "a".repeat(300)));
      if (out !== null) kept.push(out);
    }
    expect(kept).toHaveLength(4);
    const last = kept.at(-1) as { delta: string; truncated: boolean };
    expect(last.truncated).toBe(true);
    expect(last.delta).toMatch(/^a{100}\n\[… command output beyond 1000 characters not journalled …\]/);
    const chars = kept.map((k) => (k as { delta: string }).delta.replace(/\n\[…[^\]]*\]\n/, "")).join("");
    expect(chars).toBe("a".repeat(1000));
  });

  it("counts per item and per session, and starts over for a new item", () => {
    const capper = new JournalCapper(500);
    expect(capper.cap("s", "command.output", delta("one", "x".repeat(600)))).toMatchObject({
      truncated: true,
    });
    expect(capper.cap("s", "command.output", delta("one", "x"))).toBeNull();
    expect(capper.cap("s", "command.output", delta("two", "y".repeat(400)))).toEqual(
      delta("two", "y".repeat(400)),
    );
    expect(capper.cap("t", "command.output", delta("one", "z".repeat(400)))).toEqual(
      delta("one", "z".repeat(400)),
    );
  });

  it("truncates aggregatedOutput in item events and in a turn.completed result's items", () => {
    const capper = new JournalCapper(500);
    const big = "b".repeat(100_000);
    const item = { id: "cmd", type: "commandExecution", aggregatedOutput: big };
    const completed = capper.cap("s", "item.completed", { item, messages: [] }) as { item: typeof item };
    expect(completed.item.aggregatedOutput.length).toBeLessThanOrEqual(600);
    expect(completed.item.aggregatedOutput).toContain("[… truncated");
    expect(completed.item).toMatchObject({ outputTruncated: true });
    const turn = capper.cap("s", "turn.completed", {
      result: { status: "completed", items: [item, { id: "m", type: "agentMessage", text: "hi" }] },
    }) as {
      result: { items: Array<{ aggregatedOutput?: string }> };
    };
    expect(turn.result.items[0]?.aggregatedOutput?.length).toBeLessThanOrEqual(600);
    expect(turn.result.items[1]).toEqual({ id: "m", type: "agentMessage", text: "hi" });
    // The caller's object is not changed (live subscribers still see it whole).
    expect(item.aggregatedOutput).toBe(big);
  });

  it("leaves other events and small output as they are", () => {
    const capper = new JournalCapper(500);
    const payload = { itemId: "m", delta: "t".repeat(10_000) };
    expect(capper.cap("s", "text.delta", payload)).toBe(payload);
    const small = { item: { id: "c", aggregatedOutput: "ok" }, messages: [] };
    expect(capper.cap("s", "item.completed", small)).toEqual(small);
  });

  it("keeps head and tail with a marker, like the transcript", () => {
    const text = `${"h".repeat(5000)}${"t".repeat(5000)}`;
    const out = truncateOutput(text, 1000);
    expect(out.startsWith("h")).toBe(true);
    expect(out.endsWith("t")).toBe(true);
    expect(out.length).toBeLessThanOrEqual(1000);
  });
});

describe("the store's journal", () => {
  function store(options: Parameters<typeof BridgeStore.open>[1] = {}) {
    const s = BridgeStore.open(":memory:", options);
    s.createSession({
      id: "s",
      threadId: null,
      cwd: "/",
      model: null,
      title: null,
      status: "idle",
      options: {},
    });
    return s;
  }

  it("journalEvent caps command output (default 32000 characters per item)", () => {
    using s = store();
    let stored = 0;
    for (let i = 0; i < 100; i++) {
      if (s.journalEvent("s", "t", "command.output", delta("cmd", "o".repeat(8192))) !== null) stored++;
    }
    expect(stored).toBe(4);
    const chars = s.readEvents("s").reduce((n, e) => n + (e.payload as { delta: string }).delta.length, 0);
    expect(chars).toBeLessThan(32_000 + 200);
    expect(s.readEvents("s").at(-1)?.payload).toMatchObject({ truncated: true });
  });

  it("prunes entries older than the retention, keeping each session's newest so numbers are never reused", () => {
    using s = store({ journal: { retainDays: 1 } });
    const day = 86_400_000;
    const now = 100 * day;
    for (let i = 0; i < 5; i++) s.appendEvent("s", null, "old", i, now - 3 * day);
    expect(s.pruneJournal({}, now)).toBe(4);
    expect(s.readEvents("s").map((e) => e.seq)).toEqual([5]);
    expect(s.appendEvent("s", null, "new", 0, now)).toBe(6);
    expect(s.pruneJournal({ retainDays: Infinity }, now)).toBe(0);
    expect(s.pruneJournal({ before: now + 1 }, now)).toBe(1);
    expect(s.readEvents("s").map((e) => e.seq)).toEqual([6]);
  });

  it("prunes on open when asked (as the bridge does), and opens anyway while the store is locked", () => {
    const path = join(mkdtempSync(join(tmpdir(), "codex-bridge-prune-")), "bridge.db");
    try {
      {
        using s = BridgeStore.open(path);
        s.createSession({
          id: "s",
          threadId: null,
          cwd: "/",
          model: null,
          title: null,
          status: "idle",
          options: {},
        });
        for (let i = 0; i < 3; i++) s.appendEvent("s", null, "old", i, Date.now() - 10 * 86_400_000);
        s.appendEvent("s", null, "new", 3);
      }
      const holder = new Database(path);
      holder.exec("BEGIN IMMEDIATE");
      try {
        using locked = BridgeStore.open(path, { journal: { retainDays: 1 }, prune: true });
        expect(locked.readEvents("s")).toHaveLength(4);
      } finally {
        holder.exec("ROLLBACK");
        holder.close();
      }
      using s = BridgeStore.open(path, { journal: { retainDays: 1 }, prune: true });
      expect(s.readEvents("s").map((e) => e.type)).toEqual(["new"]);
    } finally {
      rmSync(dirname(path), { recursive: true, force: true });
    }
  }, 30_000);

  it("takes the bridge's journal option for a store the host opened, once", async () => {
    const s = store();
    await using bridge = new CodexBridge({ store: s, journal: { maxOutputChars: 500 } });
    let stored = 0;
    for (let i = 0; i < 10; i++) {
      if (bridge.store?.journalEvent("s", null, "command.output", delta("c", "x".repeat(100))) !== null)
        stored++;
    }
    expect(stored).toBe(6);
    s.close();
  });

  it("refuses invalid journal options, naming them", () => {
    expect(() => BridgeStore.open(":memory:", { journal: { maxOutputChars: 10 } })).toThrow(
      /journal.maxOutputChars must be/,
    );
    expect(() => BridgeStore.open(":memory:", { journal: { retainDays: 0 } })).toThrow(BridgeError);
  });
});
