// The board's contract: every backend runs these same tests (boardSqlite.test.ts,
// boardPostgres.test.ts). The clock is the test's, so leases expire on cue.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BridgeError } from "../../src/errors.js";
import type { Board, Task } from "../../src/store/board/types.js";

/** Makes a fresh, empty board whose clock is `now`. */
export type BoardFactory = (now: () => number) => Promise<Board>;

const HOUR = 3_600_000;

async function refused(p: Promise<unknown>, code: string, message?: RegExp): Promise<BridgeError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected a ${code} refusal`).toBeInstanceOf(BridgeError);
  const e = err as BridgeError;
  expect(e.code, e.message).toBe(code);
  if (message) expect(e.message).toMatch(message);
  return e;
}

export function boardContract(name: string, makeBoard: BoardFactory): void {
  describe(`board contract: ${name}`, () => {
    let time = 0;
    let board: Board;
    const claimOne = async (holder = "d1", leaseMs = HOUR): Promise<Task> => {
      const [task] = await board.claim({ holder, leaseMs });
      if (!task) throw new Error("nothing was claimed");
      return task;
    };

    beforeEach(async () => {
      time = 1_800_000_000_000;
      board = await makeBoard(() => time);
    });
    afterEach(async () => {
      await board.close();
    });

    it("creates a ready task with defaults, reads it back, and logs it", async () => {
      const t = await board.create({ title: "write the docs" });
      expect(t).toMatchObject({
        title: "write the docs",
        body: "",
        status: "ready",
        priority: 0,
        dependsOn: [],
        cwd: null,
        comments: [],
        result: null,
        artifacts: [],
        reason: null,
        attempts: [],
        lease: null,
        createdAt: time,
        updatedAt: time,
      });
      expect(t.id).toMatch(/^[0-9a-f]{12}$/);
      expect(await board.get(t.id)).toEqual(t);
      const events = await board.events({ taskId: t.id });
      expect(events.map((e) => e.type)).toEqual(["created"]);
      expect(events[0]?.data).toMatchObject({ title: "write the docs", author: "user" });
    });

    it("refuses bad input with INVALID_OPTION naming the option", async () => {
      await refused(board.create({ title: "  " }), "INVALID_OPTION", /title must be a non-empty string/);
      await refused(
        board.create({ title: "x", priority: 1.5 }),
        "INVALID_OPTION",
        /priority must be a whole number/,
      );
      await refused(
        board.claim({ holder: "d", leaseMs: 0 }),
        "INVALID_OPTION",
        /leaseMs must be a whole number >= 1/,
      );
      await refused(
        board.list({ status: "doing" as never }),
        "INVALID_OPTION",
        /status must be one of todo, ready/,
      );
      const t = await board.create({ title: "x" });
      await refused(board.comment(t.id, "user", ""), "INVALID_OPTION", /text must be a non-empty string/);
      await refused(board.block(t.id, ""), "INVALID_OPTION", /reason/);
      expect(await board.list()).toHaveLength(1);
    });

    it("answers NOT_FOUND for an unknown task, and resolves unique id prefixes", async () => {
      await refused(board.get("ffffffffffff"), "NOT_FOUND", /no task ffffffffffff on the board/);
      await refused(board.comment("ffffffffffff", "u", "hi"), "NOT_FOUND");
      await refused(board.create({ title: "x", dependsOn: ["nope"] }), "INVALID_DEPENDENCY", /nope/);
      const tasks: Task[] = [];
      for (let i = 0; i < 40; i++) tasks.push(await board.create({ title: `t${i}` }));
      const t = tasks[0] as Task;
      expect(await board.resolveId(t.id)).toBe(t.id);
      expect(await board.resolveId(t.id.slice(0, 10))).toBe(t.id);
      // 40 random ids: some first hex digit is shared by two of them.
      const shared = tasks.find((a) => tasks.some((b) => b !== a && b.id[0] === a.id[0])) as Task;
      await refused(board.resolveId(shared.id.slice(0, 1)), "AMBIGUOUS", /matches several tasks/);
      await refused(board.resolveId("zz"), "NOT_FOUND");
      await refused(board.resolveId("%"), "NOT_FOUND");
    });

    it("lists in creation order, by status, with a limit", async () => {
      const a = await board.create({ title: "a" });
      const b = await board.create({ title: "b", dependsOn: [a.id] });
      const c = await board.create({ title: "c" });
      expect((await board.list()).map((t) => t.id)).toEqual([a.id, b.id, c.id]);
      expect((await board.list({ status: "todo" })).map((t) => t.id)).toEqual([b.id]);
      expect((await board.list({ status: ["todo", "ready"], limit: 2 })).map((t) => t.id)).toEqual([
        a.id,
        b.id,
      ]);
    });

    it("makes a task ready only when all it depends on is done", async () => {
      const a = await board.create({ title: "a" });
      const b = await board.create({ title: "b" });
      const c = await board.create({ title: "c", dependsOn: [a.id, b.id] });
      expect(c.status).toBe("todo");
      expect(c.dependsOn).toEqual([a.id, b.id]);
      const claimed = await board.claim({ holder: "d1", leaseMs: HOUR, limit: 10 });
      expect(claimed.map((t) => t.id).sort()).toEqual([a.id, b.id].sort());
      await board.finish(a.id, "d1", { outcome: "done", summary: "A done" });
      expect((await board.get(c.id)).status).toBe("todo");
      await board.finish(b.id, "d1", { outcome: "done", summary: "B done" });
      expect((await board.get(c.id)).status).toBe("ready");
      expect((await claimOne()).id).toBe(c.id);
      const d = await board.create({ title: "d", dependsOn: [a.id] });
      expect(d.status).toBe("ready");
    });

    it("links dependencies and refuses cycles and self-links", async () => {
      const a = await board.create({ title: "a" });
      const b = await board.create({ title: "b", dependsOn: [a.id] });
      const c = await board.create({ title: "c", dependsOn: [b.id] });
      await refused(board.link(a.id, c.id), "INVALID_DEPENDENCY", /cycle/);
      await refused(board.link(a.id, a.id), "INVALID_DEPENDENCY", /itself/);
      await refused(board.link(a.id, "nope"), "INVALID_DEPENDENCY", /nope/);
      const d = await board.create({ title: "d" });
      const linked = await board.link(d.id, a.id, "orchestrator");
      expect(linked).toMatchObject({ status: "todo", dependsOn: [a.id] });
      expect(await board.link(d.id, a.id)).toMatchObject({ dependsOn: [a.id] });
      const types = (await board.events({ taskId: d.id })).map((e) => e.type);
      expect(types).toEqual(["created", "linked", "status"]);
      await claimOne();
      await board.finish(a.id, "d1", { outcome: "done", summary: "ok" });
      await refused(board.link(a.id, d.id), "INVALID_STATE", /is done/);
      expect((await board.get(d.id)).status).toBe("ready");
    });

    it("claims the highest priority first, then the oldest", async () => {
      const low = await board.create({ title: "low", priority: -1 });
      const old = await board.create({ title: "old" });
      const high = await board.create({ title: "high", priority: 5 });
      const young = await board.create({ title: "young" });
      const order: string[] = [];
      for (let i = 0; i < 4; i++) order.push((await claimOne()).id);
      expect(order).toEqual([high.id, old.id, young.id, low.id]);
      expect(await board.claim({ holder: "d1", leaseMs: HOUR })).toEqual([]);
    });

    it("gives a claimed task a lease and a running attempt", async () => {
      await board.create({ title: "a" });
      const t = await claimOne("d1", 60_000);
      expect(t.status).toBe("running");
      expect(t.lease).toEqual({ holder: "d1", expiresAt: time + 60_000 });
      expect(t.attempts).toEqual([
        {
          number: 1,
          sessionId: null,
          holder: "d1",
          startedAt: time,
          endedAt: null,
          outcome: "running",
          detail: null,
        },
      ]);
      const withSession = await board.attachSession(t.id, "d1", "session-1");
      expect(withSession.attempts[0]?.sessionId).toBe("session-1");
      await refused(board.attachSession(t.id, "d2", "s"), "LEASE_LOST", /held by d1, not by d2/);
    });

    it("renews a lease, and refuses a holder that does not hold it", async () => {
      await board.create({ title: "a" });
      const t = await claimOne("d1", 60_000);
      time += 30_000;
      const renewed = await board.renew(t.id, "d1", 60_000, "still going");
      expect(renewed.lease?.expiresAt).toBe(time + 60_000);
      const beats = (await board.events({ taskId: t.id })).filter((e) => e.type === "heartbeat");
      expect(beats.map((e) => e.data)).toEqual([{ holder: "d1", note: "still going" }]);
      await refused(board.renew(t.id, "d2", 1000), "LEASE_LOST");
      await refused(board.finish(t.id, "d2", { outcome: "done", summary: "x" }), "LEASE_LOST", /held by d1/);
      expect((await board.get(t.id)).status).toBe("running");
      const other = await board.create({ title: "b" });
      await refused(board.renew(other.id, "d1", 1000), "LEASE_LOST", /is ready, not running/);
    });

    it("reclaims an expired lease: the old attempt is lost and the old holder is refused", async () => {
      const a = await board.create({ title: "a" });
      await claimOne("d1", 10_000);
      time += 10_000;
      await refused(board.renew(a.id, "d1", 10_000), "LEASE_LOST", /expired/);
      await refused(board.finish(a.id, "d1", { outcome: "done", summary: "late" }), "LEASE_LOST", /expired/);
      const taken = await claimOne("d2", 10_000);
      expect(taken.id).toBe(a.id);
      expect(taken.lease?.holder).toBe("d2");
      expect(taken.attempts.map((x) => [x.number, x.holder, x.outcome])).toEqual([
        [1, "d1", "lost"],
        [2, "d2", "running"],
      ]);
      expect(taken.attempts[0]?.detail).toMatch(/lease of d1 expired/);
      await refused(
        board.finish(a.id, "d1", { outcome: "done", summary: "late" }),
        "LEASE_LOST",
        /held by d2/,
      );
      const done = await board.finish(a.id, "d2", { outcome: "done", summary: "ok", artifacts: ["out.txt"] });
      expect(done).toMatchObject({ status: "done", result: "ok", artifacts: ["out.txt"], lease: null });
    });

    it("fails a reclaimed task whose lost attempts reach maxAttempts", async () => {
      const a = await board.create({ title: "a" });
      await claimOne("d1", 1000);
      time += 1000;
      expect(await board.claim({ holder: "d2", leaseMs: 1000, maxAttempts: 1 })).toEqual([]);
      const failed = await board.get(a.id);
      expect(failed.status).toBe("failed");
      expect(failed.reason).toMatch(/failed after 1 attempts/);
    });

    it("retries a failed attempt until maxAttempts, then fails the task", async () => {
      const a = await board.create({ title: "a" });
      await claimOne();
      let t = await board.finish(a.id, "d1", { outcome: "no-report", detail: "turn ended", maxAttempts: 2 });
      expect(t.status).toBe("ready");
      expect(t.lease).toBeNull();
      await claimOne();
      t = await board.finish(a.id, "d1", { outcome: "cancelled", detail: "shutting down", maxAttempts: 2 });
      expect(t.status).toBe("ready");
      await claimOne();
      t = await board.finish(a.id, "d1", { outcome: "crashed", detail: "codex exited", maxAttempts: 2 });
      expect(t.status).toBe("failed");
      expect(t.reason).toMatch(/failed after 2 attempts: crashed: codex exited/);
      expect(t.attempts.map((x) => x.outcome)).toEqual(["no-report", "cancelled", "crashed"]);
      expect(t.attempts.every((x) => x.endedAt === time)).toBe(true);
      await refused(
        board.finish(a.id, "d1", { outcome: "stalled", detail: "", maxAttempts: 0 }),
        "INVALID_OPTION",
        /maxAttempts/,
      );
    });

    it("blocks and unblocks: a worker's question, an orchestrator's answer, a fresh attempt count", async () => {
      const a = await board.create({ title: "a" });
      await claimOne();
      const blocked = await board.finish(a.id, "d1", { outcome: "blocked", reason: "which database?" });
      expect(blocked).toMatchObject({ status: "blocked", reason: "which database?", lease: null });
      expect(blocked.attempts[0]).toMatchObject({ outcome: "blocked", detail: "which database?" });
      expect(await board.claim({ holder: "d1", leaseMs: HOUR })).toEqual([]);
      const unblocked = await board.unblock(a.id, "use PostgreSQL", "orchestrator");
      expect(unblocked).toMatchObject({ status: "ready", reason: null });
      expect(unblocked.comments).toEqual([{ author: "orchestrator", text: "use PostgreSQL", at: time }]);
      const again = await claimOne();
      expect(again.attempts.map((x) => x.number)).toEqual([1, 2]);
      const t = await board.finish(a.id, "d1", { outcome: "no-report", detail: "", maxAttempts: 1 });
      expect(t.status).toBe("failed");
    });

    it("lets a person block a ready task and unblock it back to todo when a dependency is open", async () => {
      const a = await board.create({ title: "a" });
      const b = await board.create({ title: "b" });
      expect(await board.block(b.id, "wait for legal")).toMatchObject({
        status: "blocked",
        reason: "wait for legal",
      });
      await board.link(b.id, a.id);
      expect((await board.unblock(b.id, "")).status).toBe("todo");
      expect((await board.get(b.id)).comments).toEqual([]);
    });

    it("refuses transitions the state machine forbids", async () => {
      const a = await board.create({ title: "a" });
      await refused(board.unblock(a.id, "x"), "INVALID_STATE", /is ready, not blocked/);
      await claimOne();
      await refused(board.block(a.id, "x"), "INVALID_STATE", /is running/);
      await board.finish(a.id, "d1", { outcome: "done", summary: "ok" });
      await refused(board.cancel(a.id), "INVALID_STATE", /is done/);
      await refused(board.block(a.id, "x"), "INVALID_STATE", /is done/);
      await refused(board.finish(a.id, "d1", { outcome: "done", summary: "again" }), "LEASE_LOST", /is done/);
      expect((await board.comment(a.id, "user", "nice")).comments.map((c) => c.text)).toEqual(["nice"]);
      const b = await board.create({ title: "b" });
      await board.cancel(b.id);
      await refused(board.cancel(b.id), "INVALID_STATE", /cancelled/);
      expect(await board.claim({ holder: "d1", leaseMs: HOUR })).toEqual([]);
    });

    it("cancels a running task: its attempt ends and its holder loses it", async () => {
      const a = await board.create({ title: "a" });
      await claimOne();
      const t = await board.cancel(a.id, "user");
      expect(t).toMatchObject({ status: "cancelled", lease: null });
      expect(t.attempts[0]).toMatchObject({ outcome: "cancelled", detail: "cancelled by user" });
      await refused(board.renew(a.id, "d1", 1000), "LEASE_LOST");
    });

    it("keeps comments in order with their authors", async () => {
      const a = await board.create({ title: "a" });
      await board.comment(a.id, "user", "first");
      time += 5;
      const t = await board.comment(a.id, "worker:s1", "second");
      expect(t.comments).toEqual([
        { author: "user", text: "first", at: time - 5 },
        { author: "worker:s1", text: "second", at: time },
      ]);
      expect(t.updatedAt).toBe(time);
    });

    it("logs every change in order, board-wide and per task", async () => {
      const a = await board.create({ title: "a" });
      const b = await board.create({ title: "b", dependsOn: [a.id] });
      await claimOne();
      await board.comment(a.id, "worker", "working");
      await board.finish(a.id, "d1", { outcome: "done", summary: "ok" });
      const all = await board.events();
      const seqs = all.map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(all.map((e) => `${e.taskId === a.id ? "a" : "b"}:${e.type}`)).toEqual([
        "a:created",
        "b:created",
        "a:status",
        "a:claimed",
        "a:comment",
        "a:attempt",
        "a:status",
        "b:status",
      ]);
      expect(all.at(-1)?.data).toMatchObject({ from: "todo", to: "ready", because: a.id });
      const after = await board.events({ after: all[2]?.seq, limit: 2 });
      expect(after.map((e) => e.seq)).toEqual([all[3]?.seq, all[4]?.seq]);
      expect((await board.events({ taskId: b.id })).map((e) => e.type)).toEqual(["created", "status"]);
    });

    it("never hands one task to two claimers at once", async () => {
      for (let i = 0; i < 6; i++) await board.create({ title: `t${i}` });
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => board.claim({ holder: `d${i}`, leaseMs: HOUR })),
      );
      const ids = results.flat().map((t) => t.id);
      expect(ids).toHaveLength(6);
      expect(new Set(ids).size).toBe(6);
    });
  });
}
