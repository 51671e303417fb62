import { execa } from "execa";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { bridgeHome, defaultStorePath } from "../../src/store/db.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { BridgeStore } from "../../src/store/store.js";

const dir = mkdtempSync(join(tmpdir(), "codex-bridge-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function session(store: BridgeStore, id: string) {
  return store.createSession({
    id,
    threadId: null,
    cwd: "/w",
    model: null,
    title: null,
    status: "idle",
    options: {},
  });
}

describe("BridgeStore", () => {
  it("creates the schema once, in WAL mode, and reopens without migrating again", () => {
    const path = join(dir, "a", "bridge.db");
    const first = BridgeStore.open(path);
    expect(first.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(first.db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    session(first, "s1");
    first.close();
    using second = BridgeStore.open(path);
    expect(second.getSession("s1")?.cwd).toBe("/w");
  });

  it("refuses a store written by a newer schema", () => {
    const path = join(dir, "newer.db");
    const store = BridgeStore.open(path);
    store.db.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    store.close();
    expect(() => BridgeStore.open(path)).toThrow(/written by a newer codex-bridge/);
  });

  it("numbers journal entries per session, 1, 2, 3 …", () => {
    using store = BridgeStore.open(":memory:");
    session(store, "a");
    session(store, "b");
    expect([store.appendEvent("a", null, "x", 1), store.appendEvent("a", "t", "y", 2)]).toEqual([1, 2]);
    expect(store.appendEvent("b", null, "x", 3)).toBe(1);
    expect(store.readEvents("a", { after: 1 })).toMatchObject([
      { seq: 2, type: "y", turnId: "t", payload: 2 },
    ]);
  });

  it("stores messages in order and ignores a replayed key", () => {
    using store = BridgeStore.open(":memory:");
    session(store, "s");
    const m = { turnId: "t", itemId: "i", itemType: "agentMessage", role: "assistant" };
    expect(store.addMessage("s", { ...m, key: "i:assistant", message: { content: "hi" } })).toBe(true);
    expect(store.addMessage("s", { ...m, key: "i:assistant", message: { content: "hi again" } })).toBe(false);
    expect(store.addMessage("s", { ...m, key: "j:assistant", message: { content: "next" } })).toBe(true);
    expect(store.listMessages("s").map((r) => [r.seq, r.message])).toEqual([
      [1, { content: "hi" }],
      [2, { content: "next" }],
    ]);
  });

  it("tracks turns and session updates", () => {
    using store = BridgeStore.open(":memory:");
    session(store, "s");
    const idx = store.startTurn("s", "do it");
    store.setTurnId("s", idx, "turn-1");
    store.finishTurn("s", idx, {
      status: "failed",
      finalText: "",
      error: { code: "X" },
      usage: { total: 3 },
    });
    expect(store.startTurn("s", "again")).toBe(2);
    expect(store.listTurns("s")[0]).toMatchObject({
      idx: 1,
      turnId: "turn-1",
      status: "failed",
      error: { code: "X" },
      usage: { total: 3 },
    });
    store.updateSession("s", { threadId: "th", status: "running", title: "first" });
    store.updateSession("s", { title: "second" });
    expect(store.getSession("s")).toMatchObject({ threadId: "th", status: "running", title: "first" });
    expect(store.findSessionByThread("th")?.id).toBe("s");
  });

  it("keeps the approvals audit", () => {
    using store = BridgeStore.open(":memory:");
    store.recordApproval({
      sessionId: "s",
      threadId: "t",
      turnId: "u",
      itemId: "i",
      kind: "command",
      method: "item/commandExecution/requestApproval",
      summary: "ls",
      request: { command: "ls" },
      decision: "decline",
      response: { decision: "decline" },
      decidedBy: "timeout",
      reason: "no answer within 10 ms",
      requestedAt: 1,
      decidedAt: 2,
    });
    expect(store.listApprovals("s")).toMatchObject([{ id: 1, decision: "decline", decidedBy: "timeout" }]);
  });

  it("loses nothing that was written when the writer is killed mid-stream", async () => {
    const path = join(dir, "crash.db");
    const script = fileURLToPath(new URL("../fixtures/storeWriter.mjs", import.meta.url));
    if (!existsSync(fileURLToPath(new URL("../../dist/store/store.js", import.meta.url)))) {
      throw new Error("dist/ is missing: run `npm run build` first (`npm test` does)");
    }
    const writer = execa(process.execPath, [script, path], { reject: false, buffer: false });
    let acknowledged = 0;
    await new Promise<void>((resolve) => {
      writer.stdout?.on("data", (chunk: Buffer) => {
        const lines = chunk.toString().trim().split("\n");
        acknowledged = Math.max(acknowledged, Number(lines.at(-1)));
        if (acknowledged >= 200) {
          writer.kill("SIGKILL");
          resolve();
        }
      });
    });
    await writer;
    using store = BridgeStore.open(path);
    const entries = store.readEvents("crash");
    expect(entries.length).toBeGreaterThanOrEqual(acknowledged);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
  });

  it("migrates a new store exactly once when several processes open it at the same moment", async () => {
    const path = join(dir, "race", "bridge.db");
    const opener = fileURLToPath(new URL("../fixtures/storeOpener.mjs", import.meta.url));
    const runs = await Promise.all(
      Array.from({ length: 6 }, () => execa(process.execPath, [opener, path], { reject: false })),
    );
    for (const r of runs) expect(r.exitCode, String(r.stderr)).toBe(0);
    using store = BridgeStore.open(path);
    expect(store.listSessions()).toHaveLength(6);
    expect(store.db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
  });

  it("defaults to ~/.codex-bridge/bridge.db, or $CODEX_BRIDGE_HOME", () => {
    expect(defaultStorePath({ CODEX_BRIDGE_HOME: "/x" })).toBe("/x/bridge.db");
    expect(bridgeHome({})).toMatch(/\.codex-bridge$/);
  });
});

describe("onJournal", () => {
  it("announces committed entries in order with their sequence numbers, until unsubscribed", () => {
    using store = BridgeStore.open(":memory:");
    const { id } = session(store, "s-journal");
    const seen: Array<[string, number, string]> = [];
    const off = store.onJournal((entries) => entries.forEach((e) => seen.push([e.sessionId, e.seq, e.type])));
    store.appendEvent(id, null, "turn.started", {});
    store.appendEvent(id, "t1", "text.delta", { delta: "a" });
    off();
    store.appendEvent(id, "t1", "text.delta", { delta: "b" });
    expect(seen).toEqual([
      [id, 1, "turn.started"],
      [id, 2, "text.delta"],
    ]);
    expect(store.readEvents(id).map((e) => e.seq)).toEqual([1, 2, 3]);
  });
});
