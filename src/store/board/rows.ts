/**
 * @internal
 * Reading tasks from rows: a task is its row plus its dependencies,
 * comments and attempts, loaded in batches (one query per table per 500
 * tasks). Columns are read with `Number()`/`String()` because PostgreSQL
 * returns BIGINT as strings.
 */
import type { AttemptOutcome, Task, TaskAttempt, TaskEvent, TaskStatus } from "./types.js";
import type { BoardTx, Row } from "./tx.js";

const CHUNK = 500;

function marks(n: number): string {
  return Array.from({ length: n }, () => "?").join(", ");
}

async function byTask(
  tx: BoardTx,
  sql: (marks: string) => string,
  ids: readonly string[],
): Promise<Map<string, Row[]>> {
  const out = new Map<string, Row[]>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    for (const row of await tx.all(sql(marks(part.length)), part)) {
      const id = String(row.task_id);
      const list = out.get(id);
      if (list) list.push(row);
      else out.set(id, [row]);
    }
  }
  return out;
}

const num = (v: unknown): number => Number(v);
const str = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : str(v));

/** The tasks with these ids, in the order given (missing ids are left out). */
export async function loadTasks(tx: BoardTx, ids: readonly string[]): Promise<Task[]> {
  if (ids.length === 0) return [];
  const rows = await byTask(tx, (m) => `SELECT *, id AS task_id FROM tasks WHERE id IN (${m})`, ids);
  const deps = await byTask(tx, (m) => `SELECT * FROM deps WHERE task_id IN (${m}) ORDER BY pos`, ids);
  const comments = await byTask(tx, (m) => `SELECT * FROM comments WHERE task_id IN (${m}) ORDER BY n`, ids);
  const attempts = await byTask(
    tx,
    (m) => `SELECT * FROM attempts WHERE task_id IN (${m}) ORDER BY number`,
    ids,
  );
  const tasks: Task[] = [];
  for (const id of ids) {
    const row = rows.get(id)?.[0];
    if (!row) continue;
    tasks.push({
      id,
      title: String(row.title),
      body: String(row.body),
      status: String(row.status) as TaskStatus,
      priority: num(row.priority),
      dependsOn: (deps.get(id) ?? []).map((d) => String(d.depends_on)),
      cwd: strOrNull(row.cwd),
      comments: (comments.get(id) ?? []).map((c) => ({
        author: String(c.author),
        text: String(c.text),
        at: num(c.at),
      })),
      result: strOrNull(row.result),
      artifacts: JSON.parse(String(row.artifacts)) as string[],
      reason: strOrNull(row.reason),
      attempts: (attempts.get(id) ?? []).map(attempt),
      lease:
        row.lease_holder === null || row.lease_holder === undefined
          ? null
          : { holder: str(row.lease_holder), expiresAt: num(row.lease_expires) },
      createdAt: num(row.created_at),
      updatedAt: num(row.updated_at),
    });
  }
  return tasks;
}

function attempt(a: Row): TaskAttempt {
  return {
    number: num(a.number),
    sessionId: strOrNull(a.session_id),
    holder: String(a.holder),
    startedAt: num(a.started_at),
    endedAt: a.ended_at === null || a.ended_at === undefined ? null : num(a.ended_at),
    outcome: String(a.outcome) as AttemptOutcome,
    detail: strOrNull(a.detail),
  };
}

export function eventOf(row: Row): TaskEvent {
  return {
    seq: num(row.seq),
    taskId: String(row.task_id),
    type: String(row.type),
    data: JSON.parse(String(row.data)) as Record<string, unknown>,
    at: num(row.at),
  };
}

/** Appends to the event log. */
export async function addEvent(
  tx: BoardTx,
  taskId: string,
  type: string,
  data: Record<string, unknown>,
): Promise<void> {
  await tx.run("INSERT INTO events (task_id, type, data, at) VALUES (?, ?, ?, ?)", [
    taskId,
    type,
    JSON.stringify(data),
    tx.now,
  ]);
}
