/**
 * @internal
 * The steps the board's operations are made of, each inside a transaction
 * that has locked what it changes: find a task, move it to a status (with an
 * event), check a lease, end an attempt, make dependents ready.
 */
import { addEvent } from "./rows.js";
import { type BoardTx, type Row, boardError } from "./tx.js";
import type { AttemptOutcome, TaskStatus } from "./types.js";

/** Failed attempts count towards `maxAttempts`; `blocked`, `done` and `cancelled` do not. */
export const FAILED_OUTCOMES: ReadonlySet<AttemptOutcome> = new Set([
  "no-report",
  "stalled",
  "crashed",
  "lost",
]);

/** The task's row, locked for this transaction; NOT_FOUND when there is none. */
export async function lockTask(tx: BoardTx, id: string, location: string): Promise<Row> {
  const row = (await tx.all(`SELECT * FROM tasks WHERE id = ?${tx.forUpdate}`, [id]))[0];
  if (!row) {
    throw boardError(
      "NOT_FOUND",
      `no task ${id} on the board ${location} (see \`codex-bridge kanban list\`)`,
      {
        taskId: id,
      },
    );
  }
  return row;
}

/** Sets the status (and the columns given), with a `status` event. */
export async function moveTo(
  tx: BoardTx,
  row: Row,
  to: TaskStatus,
  set: Record<string, unknown>,
  event: Record<string, unknown>,
): Promise<void> {
  const columns = { ...set, status: to, updated_at: tx.now };
  const names = Object.keys(columns);
  await tx.run(`UPDATE tasks SET ${names.map((n) => `${n} = ?`).join(", ")} WHERE id = ?`, [
    ...names.map((n) => columns[n as keyof typeof columns]),
    row.id,
  ]);
  await addEvent(tx, String(row.id), "status", { from: row.status, to, ...event });
}

export async function touch(tx: BoardTx, id: string): Promise<void> {
  await tx.run("UPDATE tasks SET updated_at = ? WHERE id = ?", [tx.now, id]);
}

/** Refuses (LEASE_LOST) unless `holder` holds the task's lease and it has not expired. */
export function checkHeld(tx: BoardTx, row: Row, holder: string): void {
  const id = String(row.id);
  if (row.status !== "running") {
    throw boardError(
      "LEASE_LOST",
      `task ${id} is ${String(row.status)}, not running: ${holder} does not hold it`,
      {
        taskId: id,
        status: row.status,
      },
    );
  }
  if (row.lease_holder !== holder) {
    throw boardError("LEASE_LOST", `task ${id} is held by ${String(row.lease_holder)}, not by ${holder}`, {
      taskId: id,
      holder: row.lease_holder,
    });
  }
  const expires = Number(row.lease_expires);
  if (expires <= tx.now) {
    throw boardError(
      "LEASE_LOST",
      `the lease of ${holder} on task ${id} expired at ${new Date(expires).toISOString()}: another dispatcher may take it`,
      { taskId: id, expiresAt: expires },
    );
  }
}

/** Ends the task's running attempt; resolves with its number (0 when none was running). */
export async function endAttempt(
  tx: BoardTx,
  id: string,
  outcome: AttemptOutcome,
  detail: string | null,
): Promise<number> {
  const rows = await tx.all(
    "UPDATE attempts SET outcome = ?, detail = ?, ended_at = ? WHERE task_id = ? AND outcome = 'running' RETURNING number",
    [outcome, detail, tx.now, id],
  );
  const number = rows[0] ? Number(rows[0].number) : 0;
  if (number > 0) await addEvent(tx, id, "attempt", { number, outcome, detail });
  return number;
}

/** Whether every task `id` depends on is done. */
export async function depsDone(tx: BoardTx, id: string): Promise<boolean> {
  const rows = await tx.all(
    "SELECT COUNT(*) AS open FROM deps JOIN tasks ON tasks.id = deps.depends_on WHERE deps.task_id = ? AND tasks.status <> 'done'",
    [id],
  );
  return Number(rows[0]?.open ?? 0) === 0;
}

/** After `id` is done: each dependent in `todo` whose dependencies are now all done becomes ready. */
export async function releaseDependents(tx: BoardTx, id: string, location: string): Promise<void> {
  const dependents = await tx.all("SELECT task_id FROM deps WHERE depends_on = ? ORDER BY task_id", [id]);
  for (const d of dependents) {
    const row = await lockTask(tx, String(d.task_id), location);
    if (row.status === "todo" && (await depsDone(tx, String(row.id)))) {
      await moveTo(tx, row, "ready", {}, { because: id });
    }
  }
}

/** Whether `from` depends, directly or not, on `target`. */
export async function reaches(tx: BoardTx, from: string, target: string): Promise<boolean> {
  const seen = new Set<string>([from]);
  let frontier = [from];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const r of await tx.all("SELECT depends_on FROM deps WHERE task_id = ?", [id])) {
        const dep = String(r.depends_on);
        if (dep === target) return true;
        if (!seen.has(dep)) {
          seen.add(dep);
          next.push(dep);
        }
      }
    }
    frontier = next;
  }
  return false;
}
