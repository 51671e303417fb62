// The kanban handoff on the real codex binary with the scripted model: an
// orchestrator session puts tasks on a SQLite board through kanban_create, a
// Dispatcher runs a worker session per task, and the workers report back
// through kanban_heartbeat / kanban_complete / kanban_block, served by the
// bridge's tool endpoint with each thread's task identity.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CodexBridge } from "../../src/codex/bridge.js";
import { Dispatcher, type DispatcherEvent } from "../../src/kanban/dispatcher.js";
import { httpToolEndpoint } from "../../src/mcp/httpEndpoint.js";
import { openBoard } from "../../src/store/board/open.js";
import type { Board } from "../../src/store/board/types.js";
import { item, type MockRequest, type MockReply, reply, respond } from "../../src/testing/index.js";
import { launchBridge } from "../harness/bridge.js";
import { outputs, taskOf, userText, worker } from "../harness/kanban.js";
import { trackPid } from "../harness/tracking.js";

const endpoint = () => ({ endpoint: httpToolEndpoint({ configPath: false }) });

async function withBoard<T>(workdir: string, fn: (board: Board, location: string) => Promise<T>): Promise<T> {
  const location = join(workdir, "board.db");
  const board = await openBoard(location);
  try {
    return await fn(board, location);
  } finally {
    await board.close();
  }
}

function dispatcher(
  f: { bridge: CodexBridge; workdir: string },
  board: Board,
  location: string,
  extra: Partial<ConstructorParameters<typeof Dispatcher>[0]> = {},
) {
  const events: DispatcherEvent[] = [];
  const d = new Dispatcher({
    board,
    bridge: f.bridge,
    boardLocation: location,
    once: true,
    pollMs: 100,
    leaseMs: 30_000,
    cwd: f.workdir,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { d, events };
}

/** Requests of the worker on `title`, in order. */
const requestsFor = (requests: readonly MockRequest[], title: string) =>
  requests.filter((r) => taskOf(r.body)?.title === title);

describe("kanban dispatch on the real codex binary", () => {
  it("an orchestrator creates A, B (after A) and C; workers heartbeat and complete; B starts after A and sees its result", async () => {
    const script = (r: MockRequest): MockReply => {
      const task = taskOf(r.body);
      if (task) return worker.standard(r.body, `${task.title}-RESULT: finished ${task.title}`);
      // The orchestrator: A, then B depending on A (its id from A's create), then C.
      const done = outputs(r.body);
      if (done.length === 0) return worker.call("kanban_create", { title: "A", body: "Do A." });
      if (done.length === 1) {
        const idA = /"id":\s*"([^"]+)"/.exec(done[0] ?? "")?.[1] ?? "missing";
        return worker.call("kanban_create", { title: "B", body: "Do B with A's result.", depends_on: [idA] });
      }
      if (done.length === 2) return worker.call("kanban_create", { title: "C", body: "Do C." });
      return reply.text("Three tasks are on the board.");
    };
    await using f = await launchBridge(script, {
      toolServer: { ...endpoint(), autoApprove: ["kanban_create"] },
    });
    await withBoard(f.workdir, async (board, location) => {
      const orchestrator = await f.bridge.startSession({ cwd: f.workdir, board: location });
      const planned = await orchestrator.run("Plan the work on the board.");
      expect(planned.status, JSON.stringify(planned.error)).toBe("completed");
      await orchestrator.close();
      const tasks = await board.list();
      expect(tasks.map((t) => t.title).sort()).toEqual(["A", "B", "C"]);
      const byTitle = Object.fromEntries(tasks.map((t) => [t.title, t]));
      expect(byTitle.B?.dependsOn).toEqual([byTitle.A?.id]);
      expect(byTitle.B?.status).toBe("todo");

      const { d, events } = dispatcher(f, board, location, { maxWorkers: 3 });
      const summary = await d.run();
      expect(summary.attempts.map((a) => a.outcome).sort()).toEqual(["done", "done", "done"]);
      const [a, b, c] = await Promise.all(["A", "B", "C"].map((t) => board.get(byTitle[t]?.id ?? "")));
      for (const [task, title] of [
        [a, "A"],
        [b, "B"],
        [c, "C"],
      ] as const) {
        expect(task?.status).toBe("done");
        expect(task?.result).toBe(`${title}-RESULT: finished ${title}`);
        expect(task?.attempts).toHaveLength(1);
        expect(task?.attempts[0]?.sessionId).toMatch(/.+/);
      }
      // B started only once A was done, and its prompt carried A's result.
      expect(b?.attempts[0]?.startedAt).toBeGreaterThanOrEqual(a?.attempts[0]?.endedAt ?? Infinity);
      const bRequests = requestsFor(f.mock.requests, "B");
      expect(userText(bRequests[0]?.body ?? {})).toContain("A-RESULT: finished A");
      // Every worker called kanban_heartbeat first, then kanban_complete, both answered without error.
      for (const title of ["A", "B", "C"]) {
        const rs = requestsFor(f.mock.requests, title);
        expect(rs).toHaveLength(3);
        expect(outputs(rs[2]?.body ?? {})[0]).toMatch(/lease_expires_at/);
        expect(outputs(rs[2]?.body ?? {})[1]).toMatch(/Task completed/);
      }
      expect(events.filter((e) => e.type === "started")).toHaveLength(3);
      // The worker sessions' transcripts are in the bridge's store, linked from the attempts.
      const session = f.bridge.store?.getSession(a?.attempts[0]?.sessionId ?? "");
      expect(session?.options).toMatchObject({ taskId: a?.id });
    });
  });

  it("a worker that ends its turn without reporting is retried, then the task fails; each attempt keeps its transcript", async () => {
    await using f = await launchBridge(() => reply.text("I did some things but forgot to report."), {
      toolServer: endpoint(),
    });
    await withBoard(f.workdir, async (board, location) => {
      const task = await board.create({ title: "Silent", body: "Do it." });
      const { d } = dispatcher(f, board, location, { maxAttempts: 2 });
      const summary = await d.run();
      expect(summary.attempts.map((a) => a.outcome)).toEqual(["no-report", "no-report"]);
      const after = await board.get(task.id);
      expect(after.status).toBe("failed");
      expect(after.attempts.map((a) => a.outcome)).toEqual(["no-report", "no-report"]);
      for (const attempt of after.attempts) {
        const transcript = f.bridge.store?.listMessages(attempt.sessionId ?? "") ?? [];
        expect(JSON.stringify(transcript)).toContain("forgot to report");
      }
      // The retry's prompt says what happened before.
      expect(userText(f.mock.requests[1]?.body ?? {})).toContain("attempt 1: no-report");
    });
  });

  it("a blocked task, unblocked with a comment, is completed by a second worker that saw the comment", async () => {
    const script = (r: MockRequest): MockReply => {
      const prompt = userText(r.body);
      if (!prompt.includes("Use blue")) {
        return outputs(r.body).length === 0
          ? worker.call("kanban_block", { reason: "Which colour should the button be?" })
          : reply.text("Blocked, waiting.");
      }
      return worker.standard(r.body, "Painted it blue.");
    };
    await using f = await launchBridge(script, { toolServer: endpoint() });
    await withBoard(f.workdir, async (board, location) => {
      const task = await board.create({ title: "Paint", body: "Paint the button." });
      const first = await dispatcher(f, board, location).d.run();
      expect(first.attempts.map((a) => a.outcome)).toEqual(["blocked"]);
      const blocked = await board.get(task.id);
      expect(blocked.status).toBe("blocked");
      expect(blocked.reason).toBe("Which colour should the button be?");

      await board.unblock(task.id, "Use blue.", "user");
      const second = await dispatcher(f, board, location).d.run();
      expect(second.attempts.map((a) => a.outcome)).toEqual(["done"]);
      const done = await board.get(task.id);
      expect(done.status).toBe("done");
      expect(done.result).toBe("Painted it blue.");
      const secondPrompt = userText(requestsFor(f.mock.requests, "Paint").at(-1)?.body ?? {});
      expect(secondPrompt).toContain("Use blue.");
    });
  });

  it("a worker's kanban_create is a tool error that says why (stdio tool server: the board reaches it per thread)", async () => {
    const script = (r: MockRequest): MockReply => {
      const step = outputs(r.body).length;
      if (step === 0)
        return respond([item.mcpCall("codex-bridge-tools", "kanban_create", { title: "Sneaky", body: "x" })]);
      if (step === 1)
        return respond([item.mcpCall("codex-bridge-tools", "kanban_complete", { summary: "ok" })]);
      return reply.text("Done.");
    };
    // No endpoint: each thread gets its own `mcp-serve` process, identity and board location in its env.
    await using f = await launchBridge(script);
    await withBoard(f.workdir, async (board, location) => {
      const task = await board.create({ title: "Honest", body: "Work." });
      const summary = await dispatcher(f, board, location).d.run();
      expect(summary.attempts.map((a) => a.outcome)).toEqual(["done"]);
      const refused = outputs(f.mock.requests[1]?.body ?? {})[0] ?? "";
      expect(refused).toContain("kanban_create is for orchestrator threads");
      expect(refused).toContain(`worker on task ${task.id}`);
      expect((await board.list()).map((t) => t.title)).toEqual(["Honest"]);
      expect((await board.get(task.id)).status).toBe("done");
    });
  });

  it("a worker whose codex process is SIGKILLed is retried and completes", async () => {
    let killed = false;
    let pid = 0;
    const script = (r: MockRequest): MockReply => {
      if (!killed) {
        killed = true;
        process.kill(pid, "SIGKILL");
        return reply.stall();
      }
      return worker.standard(r.body, "Done on the second try.");
    };
    await using f = await launchBridge(script, { toolServer: endpoint() });
    pid = await f.pid();
    await withBoard(f.workdir, async (board, location) => {
      const task = await board.create({ title: "Fragile", body: "Survive." });
      const summary = await dispatcher(f, board, location).d.run();
      expect(summary.attempts.map((a) => a.outcome)).toEqual(["crashed", "done"]);
      const after = await board.get(task.id);
      expect(after.status).toBe("done");
      expect(after.attempts.map((a) => a.outcome)).toEqual(["crashed", "done"]);
      expect(after.attempts[0]?.detail).toMatch(/PROCESS_EXITED|CONNECTION_CLOSED|exited|closed/i);
      trackPid(await f.pid());
    });
  });

  it("an approval nobody can answer blocks the task with the question, without hanging", async () => {
    const script = (r: MockRequest): MockReply =>
      outputs(r.body).length === 0
        ? worker.call("memory_write", { key: "k", content: "needs approval here" })
        : reply.text("Could not write.");
    // Nothing pre-approved: memory_write needs an approval under on-request.
    await using f = await launchBridge(script, { toolServer: { ...endpoint(), autoApprove: [] } });
    await withBoard(f.workdir, async (board, location) => {
      const task = await board.create({ title: "Ask", body: "Remember something." });
      const summary = await dispatcher(f, board, location).d.run();
      expect(summary.attempts.map((a) => a.outcome)).toEqual(["blocked"]);
      const after = await board.get(task.id);
      expect(after.status).toBe("blocked");
      expect(after.reason).toMatch(/approval nobody could give: .*memory_write/);
    });
  });
});
