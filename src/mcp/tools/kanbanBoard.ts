/**
 * Reading the board (any thread) and shaping it (orchestrator threads: those
 * without a task identity). A tool called from the wrong side answers with
 * an error that says why; it stays listed, since codex caches tool lists.
 */
import { z } from "zod";
import { defineTool } from "../defineTool.js";
import { assertOrchestrator, STATUS_VALUES, taskView } from "./kanbanShared.js";

export const kanbanShow = defineTool({
  name: "kanban_show",
  title: "Show a task",
  description:
    "Show one task of the kanban board in full: title, body, status, dependencies, comments, result, block " +
    "reason and attempts. Without task_id, shows your own task (worker threads).",
  inputSchema: z.object({
    task_id: z
      .string()
      .min(1)
      .optional()
      .describe("The task's id (or a unique prefix of it); default: the task you are working on."),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler(ctx, args) {
    const id = args.task_id ?? ctx.taskId;
    if (!id) throw new Error("task_id is required: this thread works on no task of its own");
    const board = await ctx.openBoard();
    return taskView(await board.get(args.task_id ? await board.resolveId(id) : id), { full: true });
  },
});

export const kanbanList = defineTool({
  name: "kanban_list",
  title: "List tasks",
  description:
    "List the tasks of the kanban board (id, title, status, priority, dependencies, result or block reason), " +
    "optionally only those with one status. Use kanban_show for a task's body, comments and attempts.",
  inputSchema: z.object({
    status: z.enum(STATUS_VALUES).optional().describe("Only tasks with this status."),
    limit: z.number().int().min(1).max(500).optional().describe("At most this many tasks (default 100)."),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler(ctx, args) {
    const tasks = await (
      await ctx.openBoard()
    ).list({
      ...(args.status ? { status: args.status } : {}),
      limit: args.limit ?? 100,
    });
    return { tasks: tasks.map((t) => taskView(t)) };
  },
});

export const kanbanCreate = defineTool({
  name: "kanban_create",
  title: "Create a task",
  description:
    "Put a new task on the kanban board for a worker (another codex session) to do. Write the body as the " +
    "complete brief a newcomer needs: the goal, the context, what done looks like. A task that needs the " +
    "result of others names them in depends_on; it starts only once they are all done, and its worker sees " +
    "their results. Returns the new task's id. Only for orchestrator threads (those not working on a task).",
  inputSchema: z.object({
    title: z.string().min(1).max(200).describe("A short name for the task."),
    body: z.string().max(50_000).describe("The full brief for the worker."),
    depends_on: z
      .array(z.string().min(1))
      .max(100)
      .optional()
      .describe("Ids of tasks that must be done first."),
    priority: z.number().int().min(-1000).max(1000).optional().describe("Higher runs first (default 0)."),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(ctx, args) {
    assertOrchestrator(ctx, "kanban_create");
    const board = await ctx.openBoard();
    const dependsOn = args.depends_on
      ? await Promise.all(args.depends_on.map((ref) => board.resolveId(ref)))
      : undefined;
    const task = await board.create({
      title: args.title,
      body: args.body,
      ...(dependsOn ? { dependsOn } : {}),
      ...(args.priority !== undefined ? { priority: args.priority } : {}),
      author: ctx.sessionId ? `orchestrator:${ctx.sessionId}` : "orchestrator",
    });
    return taskView(task);
  },
});

export const kanbanUnblock = defineTool({
  name: "kanban_unblock",
  title: "Unblock a task",
  description:
    "Answer a blocked task and let it run again: the note (your answer to its block reason) is added as a " +
    "comment the next worker reads. Only for orchestrator threads (those not working on a task).",
  inputSchema: z.object({
    task_id: z.string().min(1).describe("The blocked task's id."),
    note: z.string().min(1).max(20_000).describe("The answer or instructions for the next worker."),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(ctx, args) {
    assertOrchestrator(ctx, "kanban_unblock");
    const board = await ctx.openBoard();
    const task = await board.unblock(await board.resolveId(args.task_id), args.note, author(ctx.sessionId));
    return taskView(task);
  },
});

export const kanbanLink = defineTool({
  name: "kanban_link",
  title: "Add a dependency",
  description:
    "Make a task wait for another: task_id will not start until depends_on is done, and its worker sees that " +
    "task's result. Cycles are refused. Only for orchestrator threads (those not working on a task).",
  inputSchema: z.object({
    task_id: z.string().min(1).describe("The task that must wait."),
    depends_on: z.string().min(1).describe("The task it waits for."),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(ctx, args) {
    assertOrchestrator(ctx, "kanban_link");
    const board = await ctx.openBoard();
    const [id, dependsOn] = await Promise.all([
      board.resolveId(args.task_id),
      board.resolveId(args.depends_on),
    ]);
    const task = await board.link(id, dependsOn, author(ctx.sessionId));
    return taskView(task);
  },
});

function author(sessionId: string | null): string {
  return sessionId ? `orchestrator:${sessionId}` : "orchestrator";
}
