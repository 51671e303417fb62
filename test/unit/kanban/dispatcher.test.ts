// The dispatcher's loop on a real SQLite board with a fake bridge (no codex):
// concurrency limits, outcomes it decides itself, and shutdown. The e2e tests
// run it on the real codex binary.
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CodexBridge } from "../../../src/codex/bridge.js";
import type { TurnResult } from "../../../src/codex/events.js";
import type { SessionOptions } from "../../../src/codex/session.js";
import { Dispatcher } from "../../../src/kanban/dispatcher.js";
import { openBoard } from "../../../src/store/board/open.js";
import type { Board } from "../../../src/store/board/types.js";
import { tempDir } from "../../harness/tracking.js";

type Behaviour = (ctx: {
  prompt: string;
  options: SessionOptions;
  interrupted: Promise<void>;
}) => Promise<Partial<TurnResult>>;

/** A bridge whose sessions run `behaviour` instead of a codex turn. */
function fakeBridge(behaviour: Behaviour) {
  const stats = { started: 0, concurrent: 0, maxConcurrent: 0, prompts: [] as string[] };
  let n = 0;
  const bridge = {
    startSession(options: SessionOptions) {
      stats.started++;
      const id = `session-${++n}`;
      let interrupt = () => {};
      const interrupted = new Promise<void>((resolve) => {
        interrupt = resolve;
      });
      return Promise.resolve({
        id,
        async run(prompt: string): Promise<TurnResult> {
          stats.prompts.push(prompt);
          stats.concurrent++;
          stats.maxConcurrent = Math.max(stats.maxConcurrent, stats.concurrent);
          try {
            const partial = await behaviour({ prompt, options, interrupted });
            return {
              status: "completed",
              finalText: "",
              messages: [],
              items: [],
              usage: null,
              sessionId: id,
              threadId: "th",
              turnId: "tu",
              ...partial,
            };
          } finally {
            stats.concurrent--;
          }
        },
        interrupt: () => Promise.resolve(interrupt()),
        close: () => Promise.resolve(),
      });
    },
  };
  return { bridge: bridge as unknown as CodexBridge, stats };
}

describe("Dispatcher", () => {
  let dir: ReturnType<typeof tempDir>;
  let board: Board;
  beforeEach(async () => {
    dir = tempDir("kanban-dispatcher-");
    board = await openBoard(join(dir.path, "board.db"));
  });
  afterEach(async () => {
    await board.close();
    await dir[Symbol.asyncDispose]();
  });

  const complete =
    (summary: string): Behaviour =>
    async ({ options }) => {
      await new Promise((r) => setTimeout(r, 20));
      await board.finish(options.taskId ?? "", options.taskLease?.holder ?? "", { outcome: "done", summary });
      return {};
    };

  it("runs every task once, never more workers than maxWorkers, and stops with --once when the board is drained", async () => {
    const { bridge, stats } = fakeBridge(complete("ok"));
    const ids = [];
    for (let i = 0; i < 7; i++) ids.push((await board.create({ title: `t${i}`, body: "" })).id);
    const d = new Dispatcher({ board, bridge, once: true, maxWorkers: 3, pollMs: 20, leaseMs: 5000 });
    const summary = await d.run();
    expect(summary.attempts).toHaveLength(7);
    expect(new Set(summary.attempts.map((a) => a.taskId)).size).toBe(7);
    expect(stats.maxConcurrent).toBeLessThanOrEqual(3);
    expect(stats.maxConcurrent).toBeGreaterThan(1);
    for (const id of ids) expect((await board.get(id)).status).toBe("done");
  });

  it("gives each worker the task's identity, lease and prompt; a task that depends on another waits for it", async () => {
    const seen: SessionOptions[] = [];
    const { bridge, stats } = fakeBridge(async (ctx) => {
      seen.push(ctx.options);
      return complete(`result of ${/# Task \S+: (\w+)/.exec(ctx.prompt)?.[1]}`)(ctx);
    });
    const a = await board.create({ title: "first", body: "Body of A" });
    const b = await board.create({ title: "second", body: "Body of B", dependsOn: [a.id] });
    const d = new Dispatcher({
      board,
      bridge,
      boardLocation: "/where/board.db",
      holder: "me",
      once: true,
      pollMs: 20,
      leaseMs: 4000,
      cwd: dir.path,
    });
    await d.run();
    expect(seen.map((o) => o.taskId)).toEqual([a.id, b.id]);
    expect(seen[0]).toMatchObject({
      board: "/where/board.db",
      taskLease: { holder: "me", leaseMs: 4000 },
      cwd: dir.path,
      approvalPolicy: "on-request",
      sandbox: "workspace-write",
    });
    expect(stats.prompts[0]).toContain("Body of A");
    expect(stats.prompts[1]).toContain("result of first");
    expect((await board.get(b.id)).result).toBe("result of second");
  });

  it("a worker that cannot start is a crashed attempt; after maxAttempts the task fails", async () => {
    const bridge = {
      startSession: () => Promise.reject(new Error("codex is not installed")),
    } as unknown as CodexBridge;
    const task = await board.create({ title: "t", body: "" });
    const d = new Dispatcher({ board, bridge, once: true, pollMs: 20, maxAttempts: 2 });
    const summary = await d.run();
    expect(summary.attempts.map((a) => a.outcome)).toEqual(["crashed", "crashed"]);
    const after = await board.get(task.id);
    expect(after.status).toBe("failed");
    expect(after.attempts[0]?.detail).toContain("codex is not installed");
  });

  it("a stalled turn (watchdog) fails the attempt as stalled and is retried", async () => {
    let first = true;
    const { bridge } = fakeBridge(async (ctx) => {
      if (!first) return complete("second time")(ctx);
      first = false;
      return { status: "failed", error: { code: "TURN_STALLED", message: "no progress for 90 s" } };
    });
    const task = await board.create({ title: "t", body: "" });
    await new Dispatcher({ board, bridge, once: true, pollMs: 20 }).run();
    expect((await board.get(task.id)).attempts.map((a) => a.outcome)).toEqual(["stalled", "done"]);
  });

  it("stop(): no new claims; workers get the grace period, then are interrupted and their tasks are ready again", async () => {
    const { bridge, stats } = fakeBridge(async ({ interrupted }) => {
      await interrupted;
      return { status: "interrupted" };
    });
    const tasks = [
      await board.create({ title: "a", body: "" }),
      await board.create({ title: "b", body: "" }),
    ];
    await board.create({ title: "c", body: "" });
    const d = new Dispatcher({ board, bridge, maxWorkers: 2, pollMs: 20, graceMs: 100 });
    const run = d.run();
    while (stats.started < 2) await new Promise((r) => setTimeout(r, 10));
    const summary = await d.stop();
    expect(await run).toBe(summary);
    expect(summary.attempts.map((a) => a.outcome)).toEqual(["cancelled", "cancelled"]);
    expect(stats.started).toBe(2);
    for (const t of tasks) expect((await board.get(t.id)).status).toBe("ready");
  });

  it("a worker that reported and is still finishing its turn is not interrupted when the renewal finds the task done", async () => {
    let interrupted = false;
    const { bridge } = fakeBridge(async (ctx) => {
      await complete("done early")(ctx);
      // The model writes its last words for several renewal periods.
      const late = new Promise((r) => setTimeout(r, 400));
      await Promise.race([late, ctx.interrupted.then(() => (interrupted = true))]);
      return {};
    });
    const task = await board.create({ title: "t", body: "" });
    const summary = await new Dispatcher({ board, bridge, once: true, pollMs: 20, leaseMs: 90 }).run();
    expect(summary.attempts.map((a) => [a.outcome, a.status])).toEqual([["done", "done"]]);
    expect(interrupted).toBe(false);
    expect((await board.get(task.id)).result).toBe("done early");
  });

  it("a worker whose task is taken away (cancelled) is interrupted at the next renewal", async () => {
    const { bridge } = fakeBridge(async ({ options, interrupted }) => {
      await board.cancel(options.taskId ?? "", "user");
      await interrupted;
      return { status: "interrupted" };
    });
    const task = await board.create({ title: "t", body: "" });
    const summary = await new Dispatcher({ board, bridge, once: true, pollMs: 20, leaseMs: 90 }).run();
    expect(summary.attempts.map((a) => a.outcome)).toEqual(["cancelled"]);
    expect((await board.get(task.id)).status).toBe("cancelled");
  });
});
