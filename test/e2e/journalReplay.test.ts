// The lean journal on the real codex: replay by cursor gives every event a
// live subscriber saw, in order, with no gap and no duplicate, from cursors
// taken at random points while the reply streams; a streamed reply costs a
// few rows and a handful of transactions; a host killed mid-turn leaves a
// prefix of its journal, no torn rows.
import { execa } from "execa";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { SessionEvent } from "../../src/codex/events.js";
import { BridgeStore, type JournalEntry } from "../../src/store/store.js";
import { createMockCodexHome, item, reply, respond, startMockResponses } from "../../src/testing/index.js";
import { launchBridge } from "../harness/bridge.js";
import { isAlive, tempDir, trackDir, trackPid } from "../harness/tracking.js";

/** Consecutive deltas of one item merged, as the journal stores them. */
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

/** What the journal keeps of a live event: no raw notification, no pass-through notifications. */
const journalled = (events: SessionEvent[]) =>
  events
    .filter((e) => e.type !== "notification")
    .map((e) => {
      const { raw: _raw, ...rest } = e as SessionEvent & { raw?: unknown };
      return JSON.parse(JSON.stringify(rest)) as unknown;
    });

/** Commits in a WAL file (frames that end a transaction, of the WAL's current generation). */
function walCommits(path: string): number {
  const wal = readFileSync(`${path}-wal`);
  const pageSize = wal.readUInt32BE(8);
  const [salt1, salt2] = [wal.readUInt32BE(16), wal.readUInt32BE(20)];
  let commits = 0;
  for (let off = 32; off + 24 + pageSize <= wal.length; off += 24 + pageSize) {
    if (wal.readUInt32BE(off + 8) !== salt1 || wal.readUInt32BE(off + 12) !== salt2) break;
    if (wal.readUInt32BE(off + 4) !== 0) commits++;
  }
  return commits;
}

const random = (n: number) => Math.floor(Math.random() * n);

describe("the lean journal on the real codex", () => {
  it("replays by cursor exactly what a live subscriber saw, from random cursors taken mid-stream", async () => {
    const pieces = Array.from(
      { length: 4000 },
      (_, i) => `<${String(i).padStart(4, "0")}>${"z".repeat(90)}\n`,
    );
    const text = pieces.join("");
    await using f = await launchBridge(
      [
        reply.text(text, { deltas: pieces }),
        reply.execCommand("for i in 1 2 3 4 5; do seq 1 300; sleep 0.1; done", { callId: "c1" }),
        reply.text("counted"),
      ],
      { toolServer: false },
      { sandboxMode: "danger-full-access" },
    );
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const store = f.bridge.store as BridgeStore;
    const announced: JournalEntry[] = [];
    store.onJournal((entries) => announced.push(...entries.filter((e) => e.sessionId === session.id)));
    // Another connection reads pages from where it left off, at random moments, while the turns run.
    using reader = BridgeStore.open(f.storePath, { reconcile: false });
    const paged: JournalEntry[] = [];
    const cursors: number[] = [];
    let streaming = true;
    const poll = (async () => {
      while (streaming || paged.length < (store.readEvents(session.id).at(-1)?.seq ?? 0)) {
        const cursor = paged.at(-1)?.seq ?? 0;
        cursors.push(cursor);
        paged.push(...reader.readEvents(session.id, { after: cursor, limit: 1 + random(40) }));
        await new Promise((r) => setTimeout(r, random(3)));
      }
    })();
    const live: SessionEvent[] = [];
    const turns: SessionEvent[][] = [];
    for (const prompt of ["write a lot", "count"]) {
      const turn = session.runStreamed(prompt);
      const events: SessionEvent[] = [];
      for await (const e of turn.events) events.push(e);
      expect((await turn.result).status).toBe("completed");
      live.push(...events);
      turns.push(events);
    }
    streaming = false;
    await poll;

    const journal = store.readEvents(session.id);
    expect(journal.map((e) => e.seq)).toEqual(journal.map((_, i) => i + 1));
    expect(paged).toEqual(journal);
    expect(announced).toEqual(journal);
    // The journal coalesced the deltas of each flush: merged the same way, both streams are equal.
    expect(coalesce(journal.map((e) => e.payload))).toEqual(coalesce(journalled(live)));
    const deltas = (turns[0] ?? []).filter((e) => e.type === "text.delta");
    expect(deltas.map((e) => (e.type === "text.delta" ? e.delta : "")).join("")).toBe(text);
    expect(deltas.length).toBeGreaterThan(1000); // codex streamed thousands of deltas
    // Cursors taken mid-stream landed inside the stream, not only at its ends.
    expect(new Set(cursors).size).toBeGreaterThan(3);
    for (let i = 0; i < 20; i++) {
      const after = random(journal.length + 1);
      expect(reader.readEvents(session.id, { after })).toEqual(journal.slice(after));
    }
    // Lean: the deltas coalesced into a few rows; the text stored once (the transcript holds it again).
    const rows = store.db
      .prepare(`SELECT type, length(payload_json) AS bytes FROM events WHERE session_id = ?`)
      .all(session.id) as Array<{ type: string; bytes: number }>;
    expect(rows.filter((r) => r.type === "text.delta").length).toBeLessThan(deltas.length / 10);
    expect(rows.reduce((n, r) => n + r.bytes, 0)).toBeLessThan(text.length * 1.2);
  }, 180_000);

  it("writes a trivial turn in a handful of transactions", async () => {
    await using f = await launchBridge([reply.text("warm"), reply.text("short answer")], {
      toolServer: false,
    });
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const store = f.bridge.store as BridgeStore;
    expect((await session.run("warm up")).status).toBe("completed");
    store.db.pragma("wal_autocheckpoint = 0"); // the WAL keeps every commit of the next turn
    const before = walCommits(f.storePath);
    const rowsBefore = store.readEvents(session.id).length;
    const result = await session.run("hello");
    expect(result.status).toBe("completed");
    const commits = walCommits(f.storePath) - before;
    const rows = store.readEvents(session.id).slice(rowsBefore);
    // Before the lean journal: 18 commits (one per write). Now one transaction per notification that
    // writes, carrying its journal row: as many commits as rows, give or take the turn's own row at start
    // and end. The rows themselves vary with timing: deltas that arrive in separate flush windows are
    // separate rows (9 rows and 8-10 commits on a quiet machine; more deltas rows under load).
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThanOrEqual(rows.length + 2);
    expect(rows.filter((r) => r.type !== "text.delta").length).toBeLessThanOrEqual(10);
    expect(store.readEvents(session.id).at(-1)?.type).toBe("turn.completed");
  }, 120_000);

  it("keeps a prefix of the journal, and no torn row, when the host is SIGKILLed mid-turn", async () => {
    const pieces = Array.from({ length: 1500 }, (_, i) => `[${i}]`);
    const mock = await startMockResponses([
      respond([item.message(pieces.join(""), { deltas: pieces })], { eventDelayMs: 3 }),
    ]);
    const home = await createMockCodexHome({ providerUrl: mock.url });
    trackDir(home.path);
    await using work = tempDir("codex-bridge-crash-");
    const storePath = `${work.path}/bridge.db`;
    const host = execa(
      process.execPath,
      [
        fileURLToPath(new URL("../fixtures/journalHost.mjs", import.meta.url)),
        storePath,
        home.path,
        work.path,
      ],
      { reject: false, buffer: false },
    );
    trackPid(host.pid ?? -1);
    let codexPid = 0;
    let acknowledged = 0;
    let out = "";
    try {
      await new Promise<void>((resolve, reject) => {
        host.stdout?.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          for (const line of out.split("\n").slice(0, -1)) {
            const [what, n] = line.split(" ");
            if (what === "codex") trackPid((codexPid = Number(n)));
            if (what === "seq") acknowledged = Math.max(acknowledged, Number(n));
          }
          out = out.slice(out.lastIndexOf("\n") + 1);
          // Well into the stream: several flushes of deltas were announced as committed.
          if (acknowledged >= 12) {
            host.kill("SIGKILL");
            resolve();
          }
        });
        void host.then((r) => reject(new Error(`the host ended first: ${String(r.stderr)}`)));
      });
      await host;
    } finally {
      // codex outlives its killed host: stop it and wait until it is gone (reaped).
      if (codexPid > 0 && isAlive(codexPid)) process.kill(codexPid, "SIGKILL");
      for (let i = 0; i < 200 && codexPid > 0 && isAlive(codexPid); i++)
        await new Promise((r) => setTimeout(r, 50));
      await mock.close();
      await home.remove();
    }
    // A reader that does not reconcile sees exactly what the killed host left.
    const reader = BridgeStore.open(storePath, { reconcile: false });
    const [session] = reader.listSessions();
    const entries = reader.readEvents(session?.id ?? "");
    reader.close();
    expect(entries.length).toBeGreaterThanOrEqual(acknowledged);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    const text = entries
      .filter((e) => e.type === "text.delta")
      .map((e) => (e.payload as { delta: string }).delta)
      .join("");
    // Every row parsed (readEvents would throw on a torn one) and the deltas are a prefix of the reply.
    expect(text.length).toBeGreaterThan(0);
    expect(pieces.join("").startsWith(text)).toBe(true);
    expect(entries.some((e) => e.type === "turn.completed")).toBe(false);
    // The next opener closes the dead host's turn and journals its end after the prefix.
    using store = BridgeStore.open(storePath);
    const after = store.readEvents(session?.id ?? "");
    expect(after.slice(0, entries.length)).toEqual(entries);
    expect(after.at(-1)).toMatchObject({ seq: entries.length + 1, type: "turn.completed" });
  }, 180_000);
});
