/**
 * @internal
 * The board's semantics, once, over a {@link TxRunner}: both backends
 * (SQLite, PostgreSQL) are this class with a different runner, so the
 * contract suite checks one state machine twice, on two databases.
 */
import { randomBytes } from "node:crypto";
import { addEvent, eventOf, loadTasks } from "./rows.js";
import {
  FAILED_OUTCOMES,
  checkHeld,
  depsDone,
  endAttempt,
  lockTask,
  moveTo,
  reaches,
  releaseDependents,
  touch,
} from "./steps.js";
import { type BoardTx, type TxRunner, boardError } from "./tx.js";
import type {
  Board,
  ClaimOptions,
  CreateTaskInput,
  Finish,
  ListTasksOptions,
  Task,
  TaskEvent,
  TaskStatus,
} from "./types.js";
import * as v from "./validate.js";

/** 12 hex digits: short enough to type a prefix of, random enough for any board. */
function newTaskId(): string {
  return randomBytes(6).toString("hex");
}

export class SqlBoard implements Board {
  constructor(private readonly runner: TxRunner) {}

  get location(): string {
    return this.runner.location;
  }

  private async one(tx: BoardTx, id: string): Promise<Task> {
    const [task] = await loadTasks(tx, [id]);
    if (!task) throw boardError("NOT_FOUND", `no task ${id} on the board ${this.location}`, { taskId: id });
    return task;
  }

  /** A write on one task: locks it, runs `fn`, returns the task as it is after. */
  private async change(
    what: string,
    id: unknown,
    fn: (tx: BoardTx, row: Awaited<ReturnType<typeof lockTask>>) => Promise<void>,
  ): Promise<Task> {
    const taskId = v.taskId("task id", id);
    return this.runner.write(what, async (tx) => {
      const row = await lockTask(tx, taskId, this.location);
      await fn(tx, row);
      return this.one(tx, taskId);
    });
  }

  async create(input: CreateTaskInput): Promise<Task> {
    const title = v.text("title", input?.title);
    const body = v.optionalText("body", input.body);
    const priority = v.priority(input.priority);
    const dependsOn = v.idList("dependsOn", input.dependsOn);
    const cwd = input.cwd === undefined || input.cwd === null ? null : v.text("cwd", input.cwd);
    const author = input.author === undefined ? "user" : v.text("author", input.author);
    return this.runner.write("create a task", async (tx) => {
      const found = await tx.all(
        `SELECT id, status FROM tasks WHERE id IN (${dependsOn.map(() => "?").join(", ") || "NULL"})${tx.forShare}`,
        dependsOn,
      );
      const missing = dependsOn.filter((d) => !found.some((r) => r.id === d));
      if (missing.length > 0) {
        throw boardError(
          "INVALID_DEPENDENCY",
          `dependsOn names no task on the board: ${missing.join(", ")}`,
          {
            missing,
          },
        );
      }
      const status: TaskStatus = found.every((r) => r.status === "done") ? "ready" : "todo";
      const id = newTaskId();
      await tx.run(
        `INSERT INTO tasks (id, title, body, status, priority, cwd, artifacts, failures, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, '[]', 0, ?, ?)`,
        [id, title, body, status, priority, cwd, tx.now, tx.now],
      );
      for (const [pos, dep] of dependsOn.entries()) {
        await tx.run("INSERT INTO deps (task_id, depends_on, pos) VALUES (?, ?, ?)", [id, dep, pos]);
      }
      await addEvent(tx, id, "created", { title, priority, dependsOn, author, status });
      return this.one(tx, id);
    });
  }

  async get(id: string): Promise<Task> {
    const taskId = v.taskId("task id", id);
    return this.runner.read("read a task", async (tx) => {
      await lockTask(tx, taskId, this.location);
      return this.one(tx, taskId);
    });
  }

  async resolveId(ref: string): Promise<string> {
    const prefix = v.taskId("task id", ref);
    return this.runner.read("find a task", async (tx) => {
      if ((await tx.all("SELECT id FROM tasks WHERE id = ?", [prefix])).length > 0) return prefix;
      const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
      const rows = await tx.all("SELECT id FROM tasks WHERE id LIKE ? ESCAPE '\\' ORDER BY n DESC LIMIT 6", [
        `${escaped}%`,
      ]);
      if (rows.length === 1) return String(rows[0]?.id);
      if (rows.length === 0) {
        throw boardError(
          "NOT_FOUND",
          `no task ${prefix} on the board ${this.location} (see \`codex-bridge kanban list\`)`,
        );
      }
      const ids = rows.slice(0, 5).map((r) => String(r.id));
      throw boardError(
        "AMBIGUOUS",
        `${prefix} matches several tasks (${ids.join(", ")}${rows.length > 5 ? ", …" : ""}): give more of the id`,
        { candidates: ids },
      );
    });
  }

  async list(options: ListTasksOptions = {}): Promise<Task[]> {
    const statuses = v.statuses(options.status);
    const limit = options.limit === undefined ? undefined : v.integer("limit", options.limit, 1);
    return this.runner.read("list tasks", async (tx) => {
      const where = statuses ? `WHERE status IN (${statuses.map(() => "?").join(", ")})` : "";
      const rows = await tx.all(
        `SELECT id FROM tasks ${where} ORDER BY n${limit === undefined ? "" : ` LIMIT ${limit}`}`,
        statuses ?? [],
      );
      return loadTasks(
        tx,
        rows.map((r) => String(r.id)),
      );
    });
  }

  async comment(id: string, author: string, text: string): Promise<Task> {
    const who = v.text("author", author);
    const body = v.text("text", text);
    return this.change("comment on a task", id, async (tx, row) => {
      await tx.run("INSERT INTO comments (task_id, author, text, at) VALUES (?, ?, ?, ?)", [
        row.id,
        who,
        body,
        tx.now,
      ]);
      await addEvent(tx, String(row.id), "comment", { author: who, text: body });
      await touch(tx, String(row.id));
    });
  }

  async link(id: string, dependsOn: string, author = "user"): Promise<Task> {
    const dep = v.taskId("dependsOn", dependsOn);
    const who = v.text("author", author);
    return this.change("link tasks", id, async (tx, row) => {
      const taskId = String(row.id);
      await tx.lockGraph();
      if (dep === taskId) throw boardError("INVALID_DEPENDENCY", `task ${taskId} cannot depend on itself`);
      const target = (await tx.all(`SELECT id, status FROM tasks WHERE id = ?${tx.forShare}`, [dep]))[0];
      if (!target)
        throw boardError("INVALID_DEPENDENCY", `dependsOn names no task on the board: ${dep}`, {
          missing: [dep],
        });
      if (!["todo", "ready", "blocked"].includes(String(row.status))) {
        throw boardError(
          "INVALID_STATE",
          `task ${taskId} is ${String(row.status)}: only a todo, ready or blocked task can get a dependency`,
        );
      }
      // Already linked: nothing changes (and nothing is logged).
      if ((await tx.all("SELECT 1 FROM deps WHERE task_id = ? AND depends_on = ?", [taskId, dep])).length > 0)
        return;
      if (await reaches(tx, dep, taskId)) {
        throw boardError(
          "INVALID_DEPENDENCY",
          `task ${taskId} cannot depend on ${dep}: ${dep} already depends on ${taskId} (a cycle)`,
        );
      }
      const last = await tx.all("SELECT MAX(pos) AS pos FROM deps WHERE task_id = ?", [taskId]);
      const pos = last[0]?.pos === null || last[0]?.pos === undefined ? 0 : Number(last[0].pos) + 1;
      await tx.run("INSERT INTO deps (task_id, depends_on, pos) VALUES (?, ?, ?)", [taskId, dep, pos]);
      await addEvent(tx, taskId, "linked", { dependsOn: dep, author: who });
      if (row.status === "ready" && target.status !== "done")
        await moveTo(tx, row, "todo", {}, { because: dep, author: who });
      else await touch(tx, taskId);
    });
  }

  async block(id: string, reason: string, author = "user"): Promise<Task> {
    const why = v.text("reason", reason);
    const who = v.text("author", author);
    return this.change("block a task", id, async (tx, row) => {
      if (!["todo", "ready", "failed"].includes(String(row.status))) {
        const hint = row.status === "running" ? " (its worker blocks it; or cancel it)" : "";
        throw boardError(
          "INVALID_STATE",
          `task ${String(row.id)} is ${String(row.status)}: it cannot be blocked${hint}`,
        );
      }
      await moveTo(tx, row, "blocked", { reason: why }, { reason: why, author: who });
    });
  }

  async unblock(id: string, note: string, author = "user"): Promise<Task> {
    const text = v.optionalText("note", note);
    const who = v.text("author", author);
    return this.change("unblock a task", id, async (tx, row) => {
      const taskId = String(row.id);
      if (row.status !== "blocked") {
        throw boardError(
          "INVALID_STATE",
          `task ${taskId} is ${String(row.status)}, not blocked: there is nothing to unblock`,
        );
      }
      if (text.trim() !== "") {
        await tx.run("INSERT INTO comments (task_id, author, text, at) VALUES (?, ?, ?, ?)", [
          taskId,
          who,
          text,
          tx.now,
        ]);
        await addEvent(tx, taskId, "comment", { author: who, text });
      }
      const to: TaskStatus = (await depsDone(tx, taskId)) ? "ready" : "todo";
      await moveTo(tx, row, to, { reason: null, failures: 0 }, { author: who });
    });
  }

  async cancel(id: string, author = "user"): Promise<Task> {
    const who = v.text("author", author);
    return this.change("cancel a task", id, async (tx, row) => {
      const taskId = String(row.id);
      if (row.status === "done" || row.status === "cancelled") {
        throw boardError("INVALID_STATE", `task ${taskId} is ${String(row.status)}: it cannot be cancelled`);
      }
      if (row.status === "running") await endAttempt(tx, taskId, "cancelled", `cancelled by ${who}`);
      await moveTo(tx, row, "cancelled", { lease_holder: null, lease_expires: null }, { author: who });
    });
  }

  async claim(options: ClaimOptions): Promise<Task[]> {
    const holder = v.text("holder", options?.holder);
    const leaseMs = v.integer("leaseMs", options.leaseMs, 1);
    const limit = options.limit === undefined ? 1 : v.integer("limit", options.limit, 1);
    const maxAttempts =
      options.maxAttempts === undefined ? Infinity : v.integer("maxAttempts", options.maxAttempts, 1);
    return this.runner.write("claim tasks", async (tx) => {
      const expired = await tx.all(
        `SELECT * FROM tasks WHERE status = 'running' AND lease_expires <= ? ORDER BY n${tx.skipLocked}`,
        [tx.now],
      );
      for (const row of expired) {
        const detail = `the lease of ${String(row.lease_holder)} expired at ${new Date(Number(row.lease_expires)).toISOString()}`;
        await endAttempt(tx, String(row.id), "lost", detail);
        const failures = Number(row.failures) + 1;
        const to: TaskStatus = failures >= maxAttempts ? "failed" : "ready";
        const set = {
          lease_holder: null,
          lease_expires: null,
          failures,
          ...(to === "failed" ? { reason: `failed after ${failures} attempts: ${detail}` } : {}),
        };
        await moveTo(tx, row, to, set, { reclaimedBy: holder, detail });
      }
      const ready = await tx.all(
        `SELECT * FROM tasks WHERE status = 'ready' ORDER BY priority DESC, n LIMIT ${limit}${tx.skipLocked}`,
      );
      const expiresAt = tx.now + leaseMs;
      for (const row of ready) {
        const taskId = String(row.id);
        const last = await tx.all("SELECT MAX(number) AS last FROM attempts WHERE task_id = ?", [taskId]);
        const number = Number(last[0]?.last ?? 0) + 1;
        await tx.run(
          "INSERT INTO attempts (task_id, number, session_id, holder, started_at, ended_at, outcome, detail) VALUES (?, ?, NULL, ?, ?, NULL, 'running', NULL)",
          [taskId, number, holder, tx.now],
        );
        await moveTo(tx, row, "running", { lease_holder: holder, lease_expires: expiresAt }, { holder });
        await addEvent(tx, taskId, "claimed", { holder, attempt: number, expiresAt });
      }
      return loadTasks(
        tx,
        ready.map((r) => String(r.id)),
      );
    });
  }

  async renew(id: string, holder: string, leaseMs: number, note?: string): Promise<Task> {
    const who = v.text("holder", holder);
    const ms = v.integer("leaseMs", leaseMs, 1);
    const text = v.optionalText("note", note);
    return this.change("renew a lease", id, async (tx, row) => {
      checkHeld(tx, row, who);
      await tx.run("UPDATE tasks SET lease_expires = ?, updated_at = ? WHERE id = ?", [
        tx.now + ms,
        tx.now,
        row.id,
      ]);
      // Only a heartbeat with a note is logged: a dispatcher renews every few seconds.
      if (text !== "") await addEvent(tx, String(row.id), "heartbeat", { holder: who, note: text });
    });
  }

  async attachSession(id: string, holder: string, sessionId: string): Promise<Task> {
    const who = v.text("holder", holder);
    const session = v.text("sessionId", sessionId);
    return this.change("record a worker session", id, async (tx, row) => {
      checkHeld(tx, row, who);
      const rows = await tx.all(
        "UPDATE attempts SET session_id = ? WHERE task_id = ? AND outcome = 'running' RETURNING number",
        [session, row.id],
      );
      await addEvent(tx, String(row.id), "session", {
        number: Number(rows[0]?.number ?? 0),
        sessionId: session,
      });
      await touch(tx, String(row.id));
    });
  }

  async finish(id: string, holder: string, finish: Finish): Promise<Task> {
    const who = v.text("holder", holder);
    const f = v.finish(finish);
    return this.change("finish a task", id, async (tx, row) => {
      checkHeld(tx, row, who);
      const taskId = String(row.id);
      const released = { lease_holder: null, lease_expires: null };
      if (f.outcome === "done") {
        await endAttempt(tx, taskId, "done", null);
        const artifacts = JSON.stringify(f.artifacts ?? []);
        await moveTo(
          tx,
          row,
          "done",
          { ...released, result: f.summary, artifacts, reason: null },
          { holder: who },
        );
        await releaseDependents(tx, taskId, this.location);
      } else if (f.outcome === "blocked") {
        await endAttempt(tx, taskId, "blocked", f.reason);
        await moveTo(
          tx,
          row,
          "blocked",
          { ...released, reason: f.reason },
          { holder: who, reason: f.reason },
        );
      } else {
        await endAttempt(tx, taskId, f.outcome, f.detail);
        const failures = Number(row.failures) + (FAILED_OUTCOMES.has(f.outcome) ? 1 : 0);
        const failed = failures >= f.maxAttempts && FAILED_OUTCOMES.has(f.outcome);
        const reason = failed
          ? `failed after ${failures} attempts: ${f.outcome}${f.detail ? `: ${f.detail}` : ""}`
          : null;
        await moveTo(
          tx,
          row,
          failed ? "failed" : "ready",
          { ...released, failures, reason },
          { holder: who, outcome: f.outcome },
        );
      }
    });
  }

  async events(options: { after?: number; taskId?: string; limit?: number } = {}): Promise<TaskEvent[]> {
    const after = options.after === undefined ? 0 : v.integer("after", options.after, 0);
    const limit = options.limit === undefined ? undefined : v.integer("limit", options.limit, 1);
    const taskId = options.taskId === undefined ? undefined : v.taskId("taskId", options.taskId);
    return this.runner.read("read the event log", async (tx) => {
      const rows = await tx.all(
        `SELECT * FROM events WHERE seq > ?${taskId === undefined ? "" : " AND task_id = ?"} ORDER BY seq${limit === undefined ? "" : ` LIMIT ${limit}`}`,
        taskId === undefined ? [after] : [after, taskId],
      );
      return rows.map(eventOf);
    });
  }

  close(): Promise<void> {
    return this.runner.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
