/**
 * @internal
 * Input checks of the board's operations: every refusal is INVALID_OPTION
 * naming the option and the value it got.
 */
import { TASK_STATUSES, type Finish, type TaskStatus } from "./types.js";
import { boardError } from "./tx.js";

const MAX_TEXT = 100_000;

function show(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/** A string with something besides white space in it (and at most 100 000 characters). */
export function text(name: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw boardError("INVALID_OPTION", `${name} must be a non-empty string (got ${show(value)})`);
  }
  if (value.length > MAX_TEXT) {
    throw boardError(
      "INVALID_OPTION",
      `${name} is too long (${value.length} characters; at most ${MAX_TEXT})`,
    );
  }
  return value;
}

/** A string, possibly empty (a body, a note). */
export function optionalText(name: string, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string")
    throw boardError("INVALID_OPTION", `${name} must be a string (got ${show(value)})`);
  if (value.length > MAX_TEXT) {
    throw boardError(
      "INVALID_OPTION",
      `${name} is too long (${value.length} characters; at most ${MAX_TEXT})`,
    );
  }
  return value;
}

/** A whole number >= `min`. */
export function integer(name: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw boardError("INVALID_OPTION", `${name} must be a whole number >= ${min} (got ${show(value)})`);
  }
  return value;
}

/** A priority: any whole number (higher runs first). */
export function priority(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw boardError("INVALID_OPTION", `priority must be a whole number (got ${show(value)})`);
  }
  return value;
}

export function taskId(name: string, value: unknown): string {
  if (typeof value !== "string" || value === "") {
    throw boardError("INVALID_OPTION", `${name} must be a task id (got ${show(value)})`);
  }
  return value;
}

export function idList(name: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw boardError("INVALID_OPTION", `${name} must be an array of task ids (got ${show(value)})`);
  return [...new Set(value.map((v) => taskId(name, v)))];
}

export function stringList(name: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw boardError("INVALID_OPTION", `${name} must be an array of strings (got ${show(value)})`);
  }
  return value as string[];
}

export function statuses(value: unknown): TaskStatus[] | undefined {
  if (value === undefined) return undefined;
  const list: unknown[] = Array.isArray(value) ? value : [value];
  for (const s of list) {
    if (!TASK_STATUSES.includes(s as TaskStatus)) {
      throw boardError(
        "INVALID_OPTION",
        `status must be one of ${TASK_STATUSES.join(", ")} (got ${show(s)})`,
      );
    }
  }
  return list as TaskStatus[];
}

const FAILURES = new Set(["no-report", "stalled", "crashed", "cancelled"]);

/** A finish, checked field by field. */
export function finish(value: unknown): Finish {
  const f = (value ?? {}) as Record<string, unknown>;
  if (f.outcome === "done") {
    return {
      outcome: "done",
      summary: text("summary", f.summary),
      artifacts: stringList("artifacts", f.artifacts),
    };
  }
  if (f.outcome === "blocked") return { outcome: "blocked", reason: text("reason", f.reason) };
  if (typeof f.outcome === "string" && FAILURES.has(f.outcome)) {
    return {
      outcome: f.outcome as "no-report",
      detail: optionalText("detail", f.detail),
      maxAttempts: integer("maxAttempts", f.maxAttempts, 1),
    };
  }
  throw boardError(
    "INVALID_OPTION",
    `outcome must be one of done, blocked, ${[...FAILURES].join(", ")} (got ${show(f.outcome)})`,
  );
}
