/**
 * The kanban board: tasks whose workers are codex sessions. One interface,
 * two backends (embedded SQLite, the default; PostgreSQL for boards shared by
 * dispatchers on many machines) and one contract suite run against both.
 *
 * Every state change is one transaction that checks the current state: a
 * change that does not hold (completing a task you do not hold, a lease that
 * expired, a transition the state machine forbids) is refused with a
 * `BoardError`, so two processes can never both hold a task.
 */

/**
 * `todo` → `ready` (all dependencies done) → `running` (leased by a worker) →
 * `done`; or `blocked` (the worker asked a question; unblock makes it `ready`),
 * `failed` (attempts exhausted), `cancelled`.
 */
export type TaskStatus = "todo" | "ready" | "running" | "blocked" | "done" | "failed" | "cancelled";

export const TASK_STATUSES: readonly TaskStatus[] = [
  "todo",
  "ready",
  "running",
  "blocked",
  "done",
  "failed",
  "cancelled",
];

export interface TaskComment {
  /** `user`, `orchestrator`, `worker:<sessionId>`, `dispatcher`… */
  author: string;
  text: string;
  /** Epoch ms. */
  at: number;
}

export type AttemptOutcome =
  "running" | "done" | "blocked" | "no-report" | "stalled" | "crashed" | "lost" | "cancelled";

export interface TaskAttempt {
  /** 1, 2, … per task. */
  number: number;
  /** The worker's codex-bridge session id (its transcript), once started. */
  sessionId: string | null;
  /** The lease holder that ran it (a dispatcher id). */
  holder: string;
  startedAt: number;
  endedAt: number | null;
  outcome: AttemptOutcome;
  /** Why it ended that way (the error, the block reason…). */
  detail: string | null;
}

export interface TaskLease {
  holder: string;
  /** Epoch ms; past it, the lease is lost and the task can be reclaimed. */
  expiresAt: number;
}

export interface TaskEvent {
  /** Per-board increasing sequence. */
  seq: number;
  taskId: string;
  /** `created`, `status`, `comment`, `claimed`, `heartbeat`, `attempt`, `linked`… */
  type: string;
  data: Record<string, unknown>;
  at: number;
}

export interface Task {
  id: string;
  title: string;
  body: string;
  status: TaskStatus;
  /** Higher runs first; default 0. */
  priority: number;
  /** Ids of the tasks that must be done before this one is ready. */
  dependsOn: string[];
  /** The working directory its worker runs in; null = the dispatcher's. */
  cwd: string | null;
  comments: TaskComment[];
  /** The summary given at completion. */
  result: string | null;
  /** Artifacts named at completion (paths, URLs). */
  artifacts: string[];
  /** Why it is blocked (or failed). */
  reason: string | null;
  attempts: TaskAttempt[];
  lease: TaskLease | null;
  createdAt: number;
  updatedAt: number;
}

export interface CreateTaskInput {
  title: string;
  body?: string;
  dependsOn?: string[];
  priority?: number;
  cwd?: string | null;
  /** Who created it (for the event log). Default "user". */
  author?: string;
}

export interface ListTasksOptions {
  status?: TaskStatus | TaskStatus[];
  limit?: number;
}

export interface ClaimOptions {
  /** The dispatcher claiming. */
  holder: string;
  /** Lease length in ms. */
  leaseMs: number;
  /** Claim at most this many ready tasks (highest priority, then oldest). Default 1. */
  limit?: number;
  /**
   * A reclaimed task (its lease expired: the attempt is `lost`) whose failed
   * attempts reach this many is `failed` instead of ready again. Default: no limit.
   */
  maxAttempts?: number;
}

/** How the holder ends its attempt. */
export type Finish =
  | { outcome: "done"; summary: string; artifacts?: string[] }
  | { outcome: "blocked"; reason: string }
  /**
   * The attempt failed; the task goes back to `ready` unless its failed attempts
   * (`no-report`, `stalled`, `crashed`, `lost`, counted since it was last
   * unblocked) reach `maxAttempts`, then `failed`. `cancelled` (the dispatcher
   * interrupted the worker, e.g. on shutdown) is not a failure: the task is ready again.
   */
  | { outcome: "no-report" | "stalled" | "crashed" | "cancelled"; detail: string; maxAttempts: number };

export interface Board {
  /** Where the board lives (a file path, or a postgres URL with the password masked). */
  readonly location: string;
  create(input: CreateTaskInput): Promise<Task>;
  /** Throws BoardError NOT_FOUND. */
  get(id: string): Promise<Task>;
  /** The id of the task named by `ref`: an id or a unique prefix of one (NOT_FOUND, AMBIGUOUS). */
  resolveId(ref: string): Promise<string>;
  list(options?: ListTasksOptions): Promise<Task[]>;
  comment(id: string, author: string, text: string): Promise<Task>;
  /** Adds a dependency (refuses a cycle); a ready task whose new dependency is not done goes back to todo. */
  link(id: string, dependsOn: string, author?: string): Promise<Task>;
  /** A person or orchestrator blocks a task that is not running, done or cancelled. */
  block(id: string, reason: string, author?: string): Promise<Task>;
  /** blocked → ready (or todo if a dependency is not done); the note is added as a comment. */
  unblock(id: string, note: string, author?: string): Promise<Task>;
  cancel(id: string, author?: string): Promise<Task>;

  /**
   * Atomically takes ready tasks: status running, a lease for `holder`, a new
   * attempt. Tasks whose lease expired while running are reclaimed first (their
   * running attempt ends `lost`). Never returns a task another holder holds.
   */
  claim(options: ClaimOptions): Promise<Task[]>;
  /** Extends the lease; throws BoardError LEASE_LOST when the holder no longer holds it. */
  renew(id: string, holder: string, leaseMs: number, note?: string): Promise<Task>;
  /** Records the worker session of the running attempt. */
  attachSession(id: string, holder: string, sessionId: string): Promise<Task>;
  /** Ends the running attempt held by `holder`; throws LEASE_LOST when it is not held. */
  finish(id: string, holder: string, finish: Finish): Promise<Task>;

  /** The append-only event log, after a board-wide sequence number. */
  events(options?: { after?: number; taskId?: string; limit?: number }): Promise<TaskEvent[]>;
  close(): Promise<void>;
}

/**
 * Errors are `BridgeError`s with these codes: NOT_FOUND (no such task),
 * INVALID_STATE (the transition is not allowed from the task's status),
 * LEASE_LOST (the caller does not hold the lease), INVALID_DEPENDENCY (a
 * missing task or a cycle), INVALID_OPTION (bad input: empty title, negative
 * lease…), BOARD_FAILED (the backend failed; names the board), AMBIGUOUS (an id
 * prefix that matches several tasks).
 */
export type BoardErrorCode =
  | "NOT_FOUND"
  | "INVALID_STATE"
  | "LEASE_LOST"
  | "INVALID_DEPENDENCY"
  | "INVALID_OPTION"
  | "BOARD_FAILED"
  | "AMBIGUOUS";
