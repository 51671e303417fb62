import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BridgeError } from "../../src/errors.js";
import { BridgeStore } from "../../src/store/store.js";

const dir = mkdtempSync(join(tmpdir(), "codex-bridge-storesessions-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function session(store: BridgeStore, id: string, threadId: string | null = null, now = Date.now()) {
  return store.createSession(
    { id, threadId, cwd: "/w", model: null, title: null, status: "idle", options: {} },
    now,
  );
}

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return "no error";
  } catch (err) {
    return err instanceof BridgeError ? err.code : String(err);
  }
};

describe("BridgeStore sessions by reference", () => {
  it("resolves ids, thread ids and unique prefixes; refuses unknown and ambiguous ones", () => {
    using store = BridgeStore.open(join(dir, "refs.db"));
    session(store, "abc-111", "thread-1", 1000);
    session(store, "abd-222", null, 2000);
    session(store, "x_y%z", null, 3000);
    expect(store.resolveSessionId("abc-111")).toBe("abc-111");
    expect(store.resolveSessionId("thread-1")).toBe("abc-111");
    expect(store.resolveSessionId("abc")).toBe("abc-111");
    expect(store.resolveSessionId("abd")).toBe("abd-222");
    expect(codeOf(() => store.resolveSessionId("ab"))).toBe("AMBIGUOUS");
    expect(codeOf(() => store.resolveSessionId("zzz"))).toBe("NOT_FOUND");
    expect(codeOf(() => store.resolveSessionId(""))).toBe("NOT_FOUND");
    // LIKE wildcards in the reference are literal characters.
    expect(codeOf(() => store.resolveSessionId("%"))).toBe("NOT_FOUND");
    expect(codeOf(() => store.resolveSessionId("x%"))).toBe("NOT_FOUND");
    expect(store.resolveSessionId("x_y")).toBe("x_y%z");
    expect(store.latestSession()?.id).toBe("x_y%z");
  });

  it("deletes a session with its turns, transcript and journal, and nothing else", () => {
    using store = BridgeStore.open(join(dir, "rm.db"));
    for (const id of ["keep", "gone"]) {
      session(store, id);
      const idx = store.startTurn(id, "hi");
      store.finishTurn(id, idx, { status: "completed", finalText: "yo" });
      store.addMessage(id, {
        key: `${id}-m`,
        turnId: null,
        itemId: null,
        itemType: null,
        role: "user",
        message: { role: "user", content: `hello ${id}` },
      });
      store.appendEvent(id, null, "x", {});
    }
    expect(store.deleteSession("gone")).toBe(true);
    expect(store.deleteSession("gone")).toBe(false);
    expect(store.getSession("gone")).toBeUndefined();
    expect(store.listTurns("gone")).toEqual([]);
    expect(store.listMessages("gone")).toEqual([]);
    expect(store.readEvents("gone")).toEqual([]);
    expect(store.listTurns("keep")).toHaveLength(1);
    expect(store.listMessages("keep")).toHaveLength(1);
    expect(store.readEvents("keep")).toHaveLength(1);
    expect(store.latestSession()?.id).toBe("keep");
  });

  it("latestSession({ ownOnly }) passes over kanban workers' sessions, however recent", () => {
    using store = BridgeStore.open(join(dir, "latest.db"));
    expect(store.latestSession({ ownOnly: true })).toBeUndefined();
    session(store, "mine", null, 1000);
    store.createSession(
      {
        id: "worker",
        threadId: null,
        cwd: "/w",
        model: null,
        title: null,
        status: "idle",
        options: { taskId: "1a2b3c4d5e6f" },
      },
      2000,
    );
    expect(store.latestSession()?.id).toBe("worker");
    expect(store.latestSession({ ownOnly: true })?.id).toBe("mine");
  });
});
