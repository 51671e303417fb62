/**
 * One attempt at one task: a worker session with the task's identity, the
 * lease kept alive while its turn runs, and the outcome read back from the
 * board. The worker reports through its handoff tools; what it did not
 * report, this decides: an approval nobody can answer blocks the task with
 * the question, a turn that ended without a report, a stalled turn or a dead
 * process end the attempt as failed (retried up to the limit).
 */
import type { ApprovalOptions } from "../codex/approvals.js";
import type { CodexBridge } from "../codex/bridge.js";
import type { TurnResult } from "../codex/events.js";
import type { v2 } from "../codex/protocol/index.js";
import type { Session } from "../codex/session.js";
import type { WatchdogOptions } from "../codex/watchdog.js";
import { BridgeError } from "../errors.js";
import type { AttemptOutcome, Board, Task } from "../store/board/types.js";
import { buildPrompt, WORKER_INSTRUCTIONS } from "./prompt.js";

export interface WorkerSettings {
  bridge: CodexBridge;
  board: Board;
  /** The board's location as the worker's tool server opens it (null: its default). */
  boardLocation: string | null;
  holder: string;
  leaseMs: number;
  maxAttempts: number;
  /** The working directory of tasks that name none. */
  cwd: string;
  model?: string;
  approvalPolicy: v2.AskForApproval;
  sandbox: v2.SandboxMode;
  /** How approvals are answered; without a handler, a request blocks the task with its question. */
  approvals?: ApprovalOptions;
  watchdog?: WatchdogOptions;
}

/** How an attempt ended, as this dispatcher saw it. */
export interface AttemptReport {
  taskId: string;
  sessionId: string | null;
  /** What the board says now: done/blocked (the worker or the dispatcher reported), failed, ready (retry)… */
  status: Task["status"] | "unknown";
  outcome: AttemptOutcome;
  detail: string | null;
}

/** Runs one attempt of a claimed task to its end; never throws. `stop` interrupts the worker. */
export async function runAttempt(
  task: Task,
  s: WorkerSettings,
  stop: AbortSignal,
  onStarted: (sessionId: string) => void = () => {},
): Promise<AttemptReport> {
  const questions: string[] = [];
  let session: Session | undefined;
  try {
    const prompt = await buildPrompt(s.board, task);
    const approvals: ApprovalOptions = {
      ...s.approvals,
      onRequest:
        s.approvals?.onRequest ??
        ((request) => {
          // Nobody watches an unattended worker: the question goes to the board, the turn stops here.
          questions.push(request.summary + (request.reason ? ` (${request.reason})` : ""));
          setImmediate(() => void session?.interrupt().catch(() => undefined));
          return {
            decision: "decline",
            reason: "no one is there to approve; the task is blocked with the question",
          };
        }),
    };
    session = await s.bridge.startSession({
      cwd: task.cwd ?? s.cwd,
      taskId: task.id,
      ...(s.boardLocation ? { board: s.boardLocation } : {}),
      taskLease: { holder: s.holder, leaseMs: s.leaseMs },
      ...(s.model ? { model: s.model } : {}),
      approvalPolicy: s.approvalPolicy,
      sandbox: s.sandbox,
      developerInstructions: WORKER_INSTRUCTIONS,
      approvals,
      ...(s.watchdog ? { watchdog: s.watchdog } : {}),
    });
    await s.board.attachSession(task.id, s.holder, session.id);
    onStarted(session.id);
    const worker = session;
    // The lease says this dispatcher is alive and running the worker; watchdogs say the worker is.
    let taken: string | null = null;
    const renew = setInterval(
      () => {
        s.board.renew(task.id, s.holder, s.leaseMs).catch(async (err: unknown) => {
          // Anything but a lost lease (a busy database…) is tried again at the next tick.
          if (!(err instanceof BridgeError && err.code === "LEASE_LOST")) return;
          clearInterval(renew);
          // The worker reported and the model is still writing its last words: let the turn end.
          if (reported(await s.board.get(task.id).catch(() => null), worker.id)) return;
          taken = err.message;
          void worker.interrupt().catch(() => undefined);
        });
      },
      Math.max(50, Math.floor(s.leaseMs / 3)),
    );
    let result: TurnResult;
    const onStop = () => void worker.interrupt().catch(() => undefined);
    stop.addEventListener("abort", onStop, { once: true });
    try {
      result = await worker.run(prompt);
    } finally {
      clearInterval(renew);
      stop.removeEventListener("abort", onStop);
    }
    await worker.close().catch(() => undefined);
    const now = await s.board.get(task.id);
    const mine = now.attempts.find((a) => a.sessionId === worker.id);
    if (mine && mine.outcome !== "running") {
      // The worker reported (kanban_complete / kanban_block), or the attempt was ended for it (cancelled, reclaimed).
      return {
        taskId: task.id,
        sessionId: worker.id,
        status: now.status,
        outcome: mine.outcome,
        detail: mine.detail,
      };
    }
    if (taken !== null || !mine || now.status !== "running" || now.lease?.holder !== s.holder) {
      return lost(task.id, worker.id, taken ?? `the task is ${now.status} and no longer this dispatcher's`);
    }
    if (questions.length > 0) {
      const reason = `a worker needed an approval nobody could give: ${questions.join("; ")}`;
      return await endBlocked(s, task.id, reason, worker.id);
    }
    const [outcome, detail] = classify(result, stop.aborted);
    return await endAttempt(s, task.id, outcome, detail, worker.id);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await session?.close().catch(() => undefined);
    if (err instanceof BridgeError && err.code === "LEASE_LOST") {
      return {
        taskId: task.id,
        sessionId: session?.id ?? null,
        status: "unknown",
        outcome: "lost",
        detail: message,
      };
    }
    return await endAttempt(
      s,
      task.id,
      "crashed",
      `the worker could not run: ${message}`,
      session?.id ?? null,
    );
  }
}

/** Whether the worker `sessionId` reported on its attempt (done or blocked). */
function reported(task: Task | null, sessionId: string): boolean {
  const mine = task?.attempts.find((a) => a.sessionId === sessionId);
  return mine?.outcome === "done" || mine?.outcome === "blocked";
}

/** Why a turn that ended without a report failed. */
function classify(
  result: TurnResult,
  stopping: boolean,
): ["no-report" | "stalled" | "crashed" | "cancelled", string] {
  const code = result.error?.code;
  const message = result.error?.message ?? "";
  if (stopping && result.status === "interrupted")
    return ["cancelled", "the dispatcher stopped before the worker reported"];
  if (code === "BRIDGE_CLOSED")
    return ["cancelled", `the host closed the bridge (${message}) before the worker reported`];
  if (code === "TURN_STALLED" || code === "TURN_TIMEOUT" || code === "INTERRUPT_UNCONFIRMED")
    return ["stalled", `${code}: ${message}`];
  if (code === "PROCESS_EXITED" || code === "CONNECTION_CLOSED" || code === "BRIDGE_EXITED")
    return ["crashed", `${code}: ${message}`];
  if (result.status === "failed") return ["crashed", `the turn failed: ${code ?? "?"}: ${message}`];
  return ["no-report", `the worker's turn ended (${result.status}) without kanban_complete or kanban_block`];
}

/** Ends the running attempt as failed (`no-report`, `stalled`, `crashed`, `cancelled`): the board retries or fails it. */
async function endAttempt(
  s: WorkerSettings,
  taskId: string,
  outcome: "no-report" | "stalled" | "crashed" | "cancelled",
  detail: string,
  sessionId: string | null,
): Promise<AttemptReport> {
  try {
    const task = await s.board.finish(taskId, s.holder, { outcome, detail, maxAttempts: s.maxAttempts });
    return { taskId, sessionId, status: task.status, outcome, detail };
  } catch (err) {
    return lost(taskId, sessionId, `${detail}; recording it failed: ${messageOf(err)}`);
  }
}

async function endBlocked(
  s: WorkerSettings,
  taskId: string,
  reason: string,
  sessionId: string,
): Promise<AttemptReport> {
  try {
    const task = await s.board.finish(taskId, s.holder, { outcome: "blocked", reason });
    return { taskId, sessionId, status: task.status, outcome: "blocked", detail: reason };
  } catch (err) {
    return lost(taskId, sessionId, `blocking it failed: ${messageOf(err)}`);
  }
}

/** The attempt is no longer this dispatcher's to record (the lease was lost, the task taken away). */
function lost(taskId: string, sessionId: string | null, detail: string): AttemptReport {
  return { taskId, sessionId, status: "unknown", outcome: "lost", detail };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
