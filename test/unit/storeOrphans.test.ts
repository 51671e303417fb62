// A turn no live process owns does not stay "running": a real child process
// starts a turn and is SIGKILLed; the next open (or the session's next turn)
// marks it interrupted with BRIDGE_EXITED and the session idle.
import { execa, type ResultPromise } from "execa";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { currentOwner, ownerState } from "../../src/store/owner.js";
import { BridgeStore } from "../../src/store/store.js";

const dir = mkdtempSync(join(tmpdir(), "codex-bridge-orphans-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = fileURLToPath(new URL("../fixtures/turnOwner.mjs", import.meta.url));
beforeAll(() => {
  if (!existsSync(fileURLToPath(new URL("../../dist/store/store.js", import.meta.url)))) {
    throw new Error("dist/ is missing: run `npm run build` first (`npm test` does)");
  }
});

/** Starts the fixture; resolves once its turn is stored (wrapped: awaiting the child itself waits for its exit). */
async function startOwner(path: string, session: string): Promise<{ child: ResultPromise }> {
  const child = execa(process.execPath, [fixture, path, session], { reject: false, buffer: false });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("started")) resolve();
    });
    void child.then((r) => reject(new Error(`the turn owner exited early: ${String(r.stderr)}`)));
  });
  return { child };
}

async function kill(child: ResultPromise): Promise<void> {
  child.kill("SIGKILL");
  await child;
}

describe("turns of a process that is gone", () => {
  it("are interrupted on open with BRIDGE_EXITED, their session idle, and a turn.completed journalled", async () => {
    const path = join(dir, "killed.db");
    const { child } = await startOwner(path, "s");
    try {
      // While its owner lives, an open leaves the turn running.
      using live = BridgeStore.open(path);
      expect(live.listTurns("s")).toMatchObject([{ idx: 1, status: "running" }]);
      expect(live.getSession("s")?.status).toBe("running");
    } finally {
      await kill(child);
    }
    using store = BridgeStore.open(path);
    const [turn] = store.listTurns("s");
    expect(turn).toMatchObject({ status: "interrupted", error: { code: "BRIDGE_EXITED" } });
    expect((turn?.error as { message: string }).message).toMatch(
      new RegExp(`the process running this turn exited \\(pid ${String(child.pid)}`),
    );
    expect(turn?.completedAt).not.toBeNull();
    expect(store.getSession("s")?.status).toBe("idle");
    const last = store.readEvents("s").at(-1);
    expect(last).toMatchObject({
      type: "turn.completed",
      turnId: `turn-of-${String(child.pid)}`,
      payload: { result: { status: "interrupted", error: { code: "BRIDGE_EXITED" }, threadId: "thread-1" } },
    });
  });

  it("are interrupted when the session's next turn starts in a store opened before the owner died", async () => {
    const path = join(dir, "later.db");
    using store = BridgeStore.open(path);
    const { child } = await startOwner(path, "s");
    await kill(child);
    const idx = store.startTurn("s", "the next turn");
    expect(idx).toBe(2);
    store.updateSession("s", { status: "running" });
    store.finishTurn("s", idx, { status: "completed", finalText: "done" });
    store.updateSession("s", { status: "idle" });
    expect(store.listTurns("s").map((t) => t.status)).toEqual(["interrupted", "completed"]);
    expect(store.getSession("s")?.status).toBe("idle");
  });

  it("keeps a session running while another live process still runs one of its turns", async () => {
    const path = join(dir, "shared.db");
    using store = BridgeStore.open(path);
    const { child } = await startOwner(path, "s");
    try {
      const idx = store.startTurn("s", "mine");
      store.finishTurn("s", idx, { status: "completed", finalText: "" });
      store.updateSession("s", { status: "idle" });
      expect(store.getSession("s")?.status).toBe("running");
    } finally {
      await kill(child);
    }
    expect(store.interruptOrphanedTurns()).toBe(1);
    expect(store.getSession("s")?.status).toBe("idle");
  });

  it("still opens while another process holds the write lock, and interrupts on a later open", async () => {
    const path = join(dir, "busy.db");
    const { child } = await startOwner(path, "s");
    await kill(child);
    const holder = new Database(path);
    holder.exec("BEGIN IMMEDIATE");
    try {
      using store = BridgeStore.open(path);
      expect(store.listTurns("s")[0]?.status).toBe("running");
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
    using store = BridgeStore.open(path);
    expect(store.listTurns("s")[0]?.status).toBe("interrupted");
  }, 30_000);

  it("interrupts a turn whose pid now belongs to another process (pid reuse)", () => {
    const path = join(dir, "reuse.db");
    {
      using store = BridgeStore.open(path);
      store.createSession({
        id: "s",
        threadId: null,
        cwd: "/",
        model: null,
        title: null,
        status: "idle",
        options: {},
      });
      store.startTurn("s", "x");
      store.updateSession("s", { status: "running" });
      // The recorded owner: this very pid, but a process that started at another time.
      store.db
        .prepare(`UPDATE turns SET owner_json = ? WHERE session_id = 's'`)
        .run(JSON.stringify({ ...currentOwner(), start: "1" }));
    }
    using store = BridgeStore.open(path);
    expect(store.listTurns("s")[0]?.status).toBe("interrupted");
  });

  it("tells a live, a dead, a reused and a foreign owner apart", () => {
    const me = currentOwner();
    expect(me.host).toBe(hostname());
    expect(ownerState(me)).toBe("alive");
    expect(ownerState({ ...me, start: "0" })).toBe("gone");
    expect(ownerState({ ...me, pid: 2 ** 22 + 7 })).toBe("gone");
    expect(ownerState({ ...me, host: `${me.host}-elsewhere`, pid: 2 ** 22 + 7 })).toBe("unknown");
    if (me.boot) expect(ownerState({ ...me, boot: "another-boot" })).toBe("gone");
  });
});
