// The lean journal on the store alone: deltas coalesced per item, completed
// events stored by reference to the transcript and rebuilt on read, one
// transaction per batch, and stores of an older schema upgraded in place.
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { BridgeStore, type JournalEntry } from "../../src/store/store.js";

const dir = mkdtempSync(join(tmpdir(), "codex-bridge-journal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function open(path = ":memory:") {
  const store = BridgeStore.open(path);
  store.createSession({
    id: "s",
    threadId: "th",
    cwd: "/",
    model: null,
    title: null,
    status: "idle",
    options: {},
  });
  return store;
}

const ev = (type: string, body: Record<string, unknown>) => ({
  sessionId: "s",
  threadId: "th",
  turnId: "t1",
  type,
  ...body,
});
const payloadBytes = (store: BridgeStore) =>
  (store.db.prepare(`SELECT SUM(length(payload_json)) AS n FROM events`).get() as { n: number }).n;

/** Writes what a turn streaming `text` as `n` deltas writes, the way a session does; returns what subscribers saw. */
function streamTurn(store: BridgeStore, text: string, n: number): unknown[] {
  const live: unknown[] = [];
  const emit = (type: string, body: Record<string, unknown>, queue = false) => {
    const payload = ev(type, body);
    live.push(payload);
    if (queue) store.queueEvent("s", "t1", type, payload);
    else store.journalEvent("s", "t1", type, payload);
  };
  emit("turn.started", {});
  emit("item.started", { item: { type: "agentMessage", id: "m1", text: "" } });
  const size = Math.ceil(text.length / n);
  for (let i = 0; i < text.length; i += size) {
    emit("text.delta", { itemId: "m1", delta: text.slice(i, i + size) }, true);
  }
  const item = { type: "agentMessage", id: "m1", text };
  const message = { role: "assistant", content: text };
  store.batch(() => {
    store.addMessage("s", {
      key: "m1:assistant",
      turnId: "t1",
      itemId: "m1",
      itemType: "agentMessage",
      role: "assistant",
      message,
    });
    emit("item.completed", { item, messages: [message] });
  });
  emit("turn.completed", {
    result: {
      status: "completed",
      finalText: text,
      messages: [message],
      items: [item],
      usage: null,
      turnId: "t1",
    },
  });
  return live;
}

/** Consecutive deltas of one item merged into one, as the journal stores them. */
function coalesce(events: unknown[]): unknown[] {
  const out: Array<Record<string, unknown>> = [];
  for (const e of events as Array<Record<string, unknown>>) {
    const last = out.at(-1);
    if (last && typeof e.delta === "string" && last.type === e.type && last.itemId === e.itemId) {
      last.delta = `${String(last.delta)}${e.delta}`;
    } else out.push({ ...e });
  }
  return out;
}

describe("the lean journal", () => {
  it("stores a 2 MB reply streamed as 20 000 deltas in 5 rows, the text once, and replays it whole", () => {
    using store = open();
    const text = `${"x".repeat(99)}\n`.repeat(20_000);
    const live = streamTurn(store, text, 20_000);
    const entries = store.readEvents("s");
    // Before: 20 004 rows, over 12 MB of payload (the text in the delta rows, twice in item.completed, three times in turn.completed).
    expect(entries.map((e) => e.type)).toEqual([
      "turn.started",
      "item.started",
      "text.delta",
      "item.completed",
      "turn.completed",
    ]);
    expect(payloadBytes(store)).toBeLessThan(text.length * 1.05);
    expect(entries.map((e) => e.payload)).toEqual(coalesce(live));
    expect((entries[2]?.payload as { delta: string }).delta).toBe(text);
  });

  it("keeps the order of interleaved items: only consecutive deltas of one item are merged", () => {
    using store = open();
    const order: Array<[string, string, string]> = [
      ["reasoning.delta", "r1", "a"],
      ["reasoning.delta", "r1", "b"],
      ["text.delta", "m1", "c"],
      ["reasoning.delta", "r1", "d"],
      ["command.output", "c1", "e"],
      ["command.output", "c1", "f"],
    ];
    for (const [type, itemId, delta] of order) store.queueEvent("s", "t1", type, ev(type, { itemId, delta }));
    expect(store.readEvents("s")).toEqual([]); // queued, not written
    expect(store.hasQueuedEvents("s")).toBe(true);
    const written = store.flushJournal("s");
    expect(written.map((e) => [e.seq, e.type, (e.payload as { delta: string }).delta])).toEqual([
      [1, "reasoning.delta", "ab"],
      [2, "text.delta", "c"],
      [3, "reasoning.delta", "d"],
      [4, "command.output", "ef"],
    ]);
    expect(store.readEvents("s")).toEqual(written);
  });

  it("writes a batch in one transaction and announces its entries only after the commit", () => {
    using store = open();
    const announced: JournalEntry[][] = [];
    store.onJournal((entries) => announced.push(entries));
    store.batch(() => {
      store.journalEvent("s", "t1", "turn.started", ev("turn.started", {}));
      store.journalEvent("s", "t1", "item.started", ev("item.started", { item: { id: "i" } }));
      expect(store.db.inTransaction).toBe(true);
      expect(announced).toEqual([]);
    });
    expect(store.db.inTransaction).toBe(false);
    expect(announced.flat().map((e) => e.seq)).toEqual([1, 2]);
  });

  it("drops the entries of a batch that failed to commit, and hands their numbers out again", () => {
    const path = join(dir, "rollback.db");
    using store = open(path);
    const announced: number[] = [];
    store.onJournal((entries) => entries.forEach((e) => announced.push(e.seq)));
    store.journalEvent("s", null, "a", {});
    expect(() =>
      store.batch(() => {
        store.journalEvent("s", null, "b", {});
        // A deferred foreign key fails at COMMIT: the whole batch is rolled back.
        store.db.pragma("defer_foreign_keys = ON");
        store.db
          .prepare(
            `INSERT INTO turns (session_id, idx, status, input_text, started_at) VALUES ('nope', 1, 'x', '', 0)`,
          )
          .run();
      }),
    ).toThrow(/committing writes/);
    expect(store.db.inTransaction).toBe(false);
    expect(announced).toEqual([1]);
    expect(store.journalEvent("s", null, "c", {})).toBe(2);
    expect(store.readEvents("s").map((e) => e.type)).toEqual(["a", "c"]);
  });

  it("upgrades a store of schema 3: old entries read as before, new ones are lean", () => {
    const path = join(dir, "v3.db");
    const old = new Database(path);
    old.pragma("journal_mode = WAL");
    for (const sql of MIGRATIONS.slice(0, 3)) old.exec(sql);
    old.pragma("user_version = 3");
    old
      .prepare(
        `INSERT INTO sessions (id, cwd, status, options_json, created_at, updated_at) VALUES ('s', '/', 'idle', '{}', 0, 0)`,
      )
      .run();
    old
      .prepare(
        `INSERT INTO events (session_id, seq, turn_id, type, payload_json, created_at) VALUES ('s', 1, 't0', 'item.completed', '{"item":{"text":"old"}}', 0)`,
      )
      .run();
    old.close();
    using store = BridgeStore.open(path);
    expect(store.db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    expect(store.readEvents("s")).toMatchObject([{ seq: 1, payload: { item: { text: "old" } } }]);
    const text = "y".repeat(5000);
    const live = streamTurn(store, text, 50);
    expect(store.readEvents("s", { after: 1 }).map((e) => e.payload)).toEqual(coalesce(live));
    expect(payloadBytes(store)).toBeLessThan(text.length + 3000);
  });
});
