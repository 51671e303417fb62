/**
 * The worker's handoff tools: a worker thread (one whose session has a task
 * identity) reports on its own task — done, blocked, a comment, alive —
 * acting for the dispatcher that holds the task's lease. The task comes from
 * the thread's identity, never from an argument: a worker cannot touch
 * another task.
 */
import { z } from "zod";
import { defineTool } from "../defineTool.js";
import { DEFAULT_HEARTBEAT_LEASE_MS, ownTask, taskView } from "./kanbanShared.js";

export const kanbanComplete = defineTool({
  name: "kanban_complete",
  title: "Complete your task",
  description:
    "Report that the task you were given is done. Call it once, at the end, with a summary of what you did " +
    "and found: it is stored as the task's result and handed to the tasks that depend on this one, so write " +
    "what they need to know (decisions, where the output is). Name files or URLs you produced in `artifacts`. " +
    "Only for worker threads; acts on your own task.",
  inputSchema: z.object({
    summary: z.string().min(1).max(20_000).describe("What was done and what came out of it."),
    artifacts: z
      .array(z.string().min(1).max(1000))
      .max(100)
      .optional()
      .describe("Paths or URLs of what you produced."),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(ctx, args) {
    const { board, taskId, holder } = await ownTask(ctx, "kanban_complete", true);
    const task = await board.finish(taskId, holder, {
      outcome: "done",
      summary: args.summary,
      ...(args.artifacts ? { artifacts: args.artifacts } : {}),
    });
    return { task_id: task.id, status: task.status, message: "Task completed. You can stop now." };
  },
});

export const kanbanBlock = defineTool({
  name: "kanban_block",
  title: "Block your task",
  description:
    "Report that you cannot finish your task without help: a question only a person can answer, a missing " +
    "permission or input, a decision that is not yours to make. Give the reason as the question to answer. " +
    "The task waits until someone unblocks it; the next worker sees their answer as a comment. " +
    "Only for worker threads; acts on your own task. Stop working after calling it.",
  inputSchema: z.object({
    reason: z
      .string()
      .min(1)
      .max(5000)
      .describe("What is needed to go on, phrased as a question or request."),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(ctx, args) {
    const { board, taskId, holder } = await ownTask(ctx, "kanban_block", true);
    const task = await board.finish(taskId, holder, { outcome: "blocked", reason: args.reason });
    return { task_id: task.id, status: task.status, message: "Task blocked. Stop working on it now." };
  },
});

export const kanbanComment = defineTool({
  name: "kanban_comment",
  title: "Comment on your task",
  description:
    "Add a note to your task's comments: progress, a finding, a decision and why. Comments stay with the task " +
    "and are shown to whoever works on it next. Only for worker threads; acts on your own task.",
  inputSchema: z.object({ text: z.string().min(1).max(20_000).describe("The comment.") }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(ctx, args) {
    const { board, taskId } = await ownTask(ctx, "kanban_comment", false);
    const task = await board.comment(taskId, `worker:${ctx.sessionId ?? "unknown"}`, args.text);
    return { task_id: task.id, comments: task.comments.length };
  },
});

export const kanbanHeartbeat = defineTool({
  name: "kanban_heartbeat",
  title: "Say you are still working",
  description:
    "Tell the board you are still working on your task, optionally with a short progress note. Call it now " +
    "and then during long work (every few minutes): a task whose worker goes silent can be handed to " +
    "another worker. Only for worker threads; acts on your own task.",
  inputSchema: z.object({
    note: z.string().min(1).max(2000).optional().describe("What you are doing right now."),
  }),
  // Each call moves the lease's expiry and may log a note.
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(ctx, args) {
    const { board, taskId, holder } = await ownTask(ctx, "kanban_heartbeat", true);
    const task = await board.renew(taskId, holder, ctx.leaseMs ?? DEFAULT_HEARTBEAT_LEASE_MS, args.note);
    return {
      ...taskView(task),
      lease_expires_at: task.lease ? new Date(task.lease.expiresAt).toISOString() : null,
    };
  },
});
