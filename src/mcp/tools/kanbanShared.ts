/**
 * What the kanban tools share: which side of the board a thread is on
 * (a worker has a task identity, an orchestrator has none), the worker's own
 * running task, and the shape a task is shown to the model in.
 */
import type { Board, Task, TaskStatus } from "../../store/board/types.js";
import type { ToolContext } from "../context.js";

/** A tool for orchestrators called from a worker thread: an error that says why, not a missing tool. */
export function assertOrchestrator(ctx: ToolContext, tool: string): void {
  if (ctx.taskId) {
    throw new Error(
      `${tool} is for orchestrator threads; this thread is a worker on task ${ctx.taskId}. ` +
        "Report on your own task with kanban_complete, kanban_block or kanban_comment instead.",
    );
  }
}

export interface OwnTask {
  board: Board;
  task: Task;
  taskId: string;
  holder: string;
}

/**
 * The worker's own task, from its identity (never from an argument). With
 * `running`, it must still be running under the lease of the dispatcher that
 * started this worker, in this worker's attempt.
 */
export async function ownTask(ctx: ToolContext, tool: string, running: boolean): Promise<OwnTask> {
  const taskId = ctx.taskId;
  if (!taskId) {
    throw new Error(
      `${tool} is for worker threads, and this thread works on no task. ` +
        "Orchestrators manage tasks with kanban_create, kanban_unblock and kanban_link.",
    );
  }
  const board = await ctx.openBoard();
  const task = await board.get(taskId);
  const holder = ctx.taskHolder ?? task.lease?.holder ?? "";
  if (!running) return { board, task, taskId, holder };
  if (!ctx.taskHolder) {
    throw new Error(
      `${tool}: this thread was not started by a dispatcher holding task ${taskId}, so it cannot report on it`,
    );
  }
  if (task.status !== "running" || task.lease?.holder !== ctx.taskHolder) {
    throw new Error(
      `task ${taskId} is ${task.status}${task.lease ? ` (held by ${task.lease.holder})` : ""}, ` +
        "no longer running for this worker: its outcome was already recorded or its lease was lost. Stop working on it.",
    );
  }
  const attempt = task.attempts.at(-1);
  if (attempt?.sessionId && ctx.sessionId && attempt.sessionId !== ctx.sessionId) {
    throw new Error(
      `task ${taskId} is being worked on by another attempt (session ${attempt.sessionId}); stop working on it`,
    );
  }
  return { board, task, taskId, holder: ctx.taskHolder };
}

/** The default heartbeat extension when the identity names none (the dispatcher renews too). */
export const DEFAULT_HEARTBEAT_LEASE_MS = 60_000;

/** A task as the model reads it: what it is, where it stands, what was said and found. */
export function taskView(task: Task, options: { full?: boolean } = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: task.id,
    title: task.title,
    status: task.status,
    priority: task.priority,
    depends_on: task.dependsOn,
  };
  if (task.result !== null) base.result = task.result;
  if (task.reason !== null) base.reason = task.reason;
  if (!options.full) return base;
  return {
    ...base,
    body: task.body,
    artifacts: task.artifacts,
    comments: task.comments.map((c) => ({
      author: c.author,
      text: c.text,
      at: new Date(c.at).toISOString(),
    })),
    attempts: task.attempts.map((a) => ({
      number: a.number,
      outcome: a.outcome,
      session_id: a.sessionId,
      ...(a.detail ? { detail: a.detail } : {}),
    })),
    created_at: new Date(task.createdAt).toISOString(),
    updated_at: new Date(task.updatedAt).toISOString(),
  };
}

export const STATUS_VALUES = [
  "todo",
  "ready",
  "running",
  "blocked",
  "done",
  "failed",
  "cancelled",
] as const satisfies readonly TaskStatus[];
