// The kanban tools on a real SQLite board, without codex: which side of the
// board a caller is on, the worker acting for the dispatcher that holds its
// task, and the refusals a model reads.
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ContextSource } from "../../../src/mcp/context.js";
import { type CallResult, createToolHandlers, type ToolHandlers } from "../../../src/mcp/handlers.js";
import { builtinTools } from "../../../src/mcp/tools/index.js";
import { openBoard } from "../../../src/store/board/open.js";
import type { Board } from "../../../src/store/board/types.js";
import { tempDir } from "../../harness/tracking.js";

const text = (r: CallResult) => r.content.map((c) => String(c.text)).join("\n");
const json = (r: CallResult) => JSON.parse(text(r)) as Record<string, unknown>;

describe("kanban tools", () => {
  let dir: ReturnType<typeof tempDir>;
  let location: string;
  let board: Board;
  let handlers: ToolHandlers;
  const call = (name: string, args: unknown, who: Partial<ContextSource>) =>
    handlers.callTool(name, args, new AbortController().signal, {
      sessionId: "s-1",
      threadId: "th-1",
      taskId: null,
      storePath: null,
      board: location,
      ...who,
    });

  beforeEach(async () => {
    dir = tempDir("kanban-tools-");
    location = join(dir.path, "board.db");
    board = await openBoard(location);
    handlers = createToolHandlers({ tools: builtinTools() });
  });
  afterEach(async () => {
    await handlers.close();
    await board.close();
    await dir[Symbol.asyncDispose]();
  });

  /** A task claimed by dispatcher d-1, its attempt run by session s-1. */
  async function running(title = "T") {
    const task = await board.create({ title, body: "b" });
    await board.claim({ holder: "d-1", leaseMs: 60_000 });
    await board.attachSession(task.id, "d-1", "s-1");
    return task;
  }

  it("an orchestrator creates, links, lists and shows tasks; worker tools answer it with an error that says why", async () => {
    const a = json(await call("kanban_create", { title: "A", body: "do A" }, {}));
    const b = json(await call("kanban_create", { title: "B", body: "do B", priority: 5 }, {}));
    expect(a).toMatchObject({ title: "A", status: "ready" });
    const linked = json(await call("kanban_link", { task_id: b.id, depends_on: a.id }, {}));
    expect(linked).toMatchObject({ status: "todo", depends_on: [a.id] });
    const listed = json(await call("kanban_list", { status: "ready" }, {}));
    expect((listed.tasks as Array<{ title: string }>).map((t) => t.title)).toEqual(["A"]);
    // Ids may be shortened to a unique prefix, as in the CLI.
    const shown = json(await call("kanban_show", { task_id: String(b.id).slice(0, 8) }, {}));
    expect(shown).toMatchObject({ body: "do B", priority: 5, comments: [], attempts: [] });
    const refused = await call("kanban_complete", { summary: "x" }, {});
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain(
      "kanban_complete is for worker threads, and this thread works on no task",
    );
    expect(text(await call("kanban_show", {}, {}))).toContain("task_id is required");
  });

  it("a worker completes its own task as the lease holder; the result and artifacts are stored", async () => {
    const task = await running();
    const worker = { taskId: task.id, taskHolder: "d-1", leaseMs: 60_000 };
    const beat = await call("kanban_heartbeat", { note: "halfway" }, worker);
    expect(beat.isError).toBeFalsy();
    expect(json(beat).lease_expires_at).toEqual(expect.any(String));
    expect((await call("kanban_comment", { text: "found it" }, worker)).isError).toBeFalsy();
    const done = await call("kanban_complete", { summary: "all good", artifacts: ["out.txt"] }, worker);
    expect(json(done)).toMatchObject({ task_id: task.id, status: "done" });
    const after = await board.get(task.id);
    expect(after).toMatchObject({ status: "done", result: "all good", artifacts: ["out.txt"] });
    expect(after.comments.map((c) => [c.author, c.text])).toEqual([["worker:s-1", "found it"]]);
    // Done is done: a second report is refused, saying so.
    const again = await call("kanban_complete", { summary: "again" }, worker);
    expect(again.isError).toBe(true);
    expect(text(again)).toContain(`task ${task.id} is done`);
  });

  it("a worker blocks its task with the reason; kanban_show defaults to the own task", async () => {
    const task = await running();
    const worker = { taskId: task.id, taskHolder: "d-1" };
    expect(json(await call("kanban_show", {}, worker)).id).toBe(task.id);
    expect(json(await call("kanban_block", { reason: "Which port?" }, worker))).toMatchObject({
      status: "blocked",
    });
    expect(await board.get(task.id)).toMatchObject({ status: "blocked", reason: "Which port?" });
  });

  it("refuses a worker whose lease is not the task's, a stale attempt's session, and orchestrator tools", async () => {
    const task = await running();
    const wrongHolder = await call(
      "kanban_complete",
      { summary: "x" },
      { taskId: task.id, taskHolder: "d-2" },
    );
    expect(wrongHolder.isError).toBe(true);
    expect(text(wrongHolder)).toContain("no longer running for this worker");
    const stale = await call(
      "kanban_complete",
      { summary: "x" },
      { taskId: task.id, taskHolder: "d-1", sessionId: "s-old" },
    );
    expect(stale.isError).toBe(true);
    expect(text(stale)).toContain("another attempt (session s-1)");
    const noHolder = await call("kanban_heartbeat", {}, { taskId: task.id });
    expect(text(noHolder)).toContain("not started by a dispatcher holding task");
    const create = await call(
      "kanban_create",
      { title: "X", body: "y" },
      { taskId: task.id, taskHolder: "d-1" },
    );
    expect(create.isError).toBe(true);
    expect(text(create)).toContain(
      `kanban_create is for orchestrator threads; this thread is a worker on task ${task.id}`,
    );
    expect(
      text(await call("kanban_unblock", { task_id: task.id, note: "n" }, { taskId: task.id })),
    ).toContain("for orchestrator threads");
    // Nothing changed: still running under d-1.
    expect(await board.get(task.id)).toMatchObject({ status: "running", lease: { holder: "d-1" } });
    expect(await board.list()).toHaveLength(1);
  });

  it("an orchestrator unblocks a blocked task with a note the next worker reads as a comment", async () => {
    const task = await running();
    await board.finish(task.id, "d-1", { outcome: "blocked", reason: "Which port?" });
    const unblocked = json(await call("kanban_unblock", { task_id: task.id, note: "Port 8080." }, {}));
    expect(unblocked.status).toBe("ready");
    const after = await board.get(task.id);
    expect(after.comments.at(-1)?.text).toBe("Port 8080.");
  });
});
