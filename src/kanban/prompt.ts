/**
 * What a worker is told: the task (title, body), what people and earlier
 * workers said about it (comments, with the block reason it was answered
 * for), the results of the tasks it depends on, and how to report back.
 */
import type { Board, Task } from "../store/board/types.js";

/** Developer instructions of every worker thread: the handoff is not optional. */
export const WORKER_INSTRUCTIONS = [
  "You are a worker on a kanban board: you were given one task, and nobody is watching this conversation.",
  "Report back only through the board's tools (namespace of the codex-bridge tool server):",
  "- kanban_heartbeat {note?} when you start and during long work, so the task is not handed to someone else;",
  "- kanban_comment {text} for progress or findings worth keeping;",
  "- kanban_complete {summary, artifacts?} once, when the task is done: the summary is handed to the tasks that depend on it;",
  "- kanban_block {reason} when you cannot go on without a person (a question, a permission, a decision).",
  "Ending your turn without kanban_complete or kanban_block counts as a failed attempt.",
].join("\n");

/** The first message of a worker's turn for `task`; reads the tasks it depends on from `board`. */
export async function buildPrompt(board: Board, task: Task): Promise<string> {
  const parts = [`# Task ${task.id}: ${task.title}`, "", task.body.trim() || "(no description)"];
  if (task.dependsOn.length > 0) {
    parts.push("", "## Results of the tasks this one depends on");
    for (const id of task.dependsOn) {
      const dep = await board.get(id).catch(() => null);
      if (!dep) {
        parts.push("", `### ${id}`, "(this task could not be read)");
        continue;
      }
      parts.push(
        "",
        `### ${dep.id}: ${dep.title} (${dep.status})`,
        dep.result?.trim() || "(no result given)",
      );
      if (dep.artifacts.length > 0) parts.push(`Artifacts: ${dep.artifacts.join(", ")}`);
    }
  }
  if (task.comments.length > 0) {
    parts.push("", "## Comments (oldest first)");
    for (const c of task.comments) parts.push(`- ${c.author} at ${new Date(c.at).toISOString()}: ${c.text}`);
  }
  const earlier = task.attempts.filter((a) => a.outcome !== "running");
  if (earlier.length > 0) {
    parts.push("", "## Earlier attempts");
    for (const a of earlier)
      parts.push(`- attempt ${a.number}: ${a.outcome}${a.detail ? ` (${a.detail})` : ""}`);
  }
  parts.push(
    "",
    "## When you are done",
    "Call kanban_complete with a summary of what you did and found, or kanban_block with the question " +
      "that stops you. Call kanban_heartbeat first.",
  );
  return parts.join("\n");
}
