/**
 * The dispatcher: claims ready tasks from a board (a lease per task, renewed
 * while its worker runs) and runs one worker session per task, at most
 * `maxWorkers` at a time. Several dispatchers, on one machine or many, share
 * one board: the board's claims are atomic, so no task runs twice; a
 * dispatcher that dies leaves leases that expire, and another reclaims its
 * tasks.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { ApprovalOptions } from "../codex/approvals.js";
import type { CodexBridge } from "../codex/bridge.js";
import type { v2 } from "../codex/protocol/index.js";
import type { WatchdogOptions } from "../codex/watchdog.js";
import { BridgeError } from "../errors.js";
import type { Board, Task } from "../store/board/types.js";
import { type AttemptReport, runAttempt } from "./worker.js";

export interface DispatcherOptions {
  board: Board;
  /** Runs the workers' sessions (its app-server, store and tool server). The dispatcher does not close it. */
  bridge: CodexBridge;
  /** The board's location as the workers' tool servers open it (a path or URL). Default: their default board. */
  boardLocation?: string | null;
  /** This dispatcher's lease-holder id. Default `<hostname>/<pid>/<random>`. */
  holder?: string;
  /** Workers at a time. Default 2. */
  maxWorkers?: number;
  /** Lease length (ms), renewed every third of it while the worker runs. Default 60000. */
  leaseMs?: number;
  /** Attempts per task before it fails. Default 3. */
  maxAttempts?: number;
  /** How often the board is asked for ready tasks when there is room (ms). Default 1000. */
  pollMs?: number;
  /** Run until no task is ready or running on the board, then stop. Default false (until `stop()`). */
  once?: boolean;
  /** After `stop()`, how long running workers may take to finish before they are interrupted (ms). Default 30000. */
  graceMs?: number;
  /** Where tasks without a cwd run. Default process.cwd(). */
  cwd?: string;
  model?: string;
  /** Workers' codex approval policy. Default "on-request" (codex asks before leaving the sandbox). */
  approvalPolicy?: v2.AskForApproval;
  /** Workers' sandbox. Default "workspace-write". */
  sandbox?: v2.SandboxMode;
  /** How workers' approvals are answered. Default: none is answered; the request blocks the task with its question. */
  approvals?: ApprovalOptions;
  watchdog?: WatchdogOptions;
  /** Progress: claims, worker starts, outcomes, errors. */
  onEvent?: (event: DispatcherEvent) => void;
}

export type DispatcherEvent =
  | { type: "claimed"; task: Task }
  /** A worker session runs the task (`claimedAt`, `startedAt`: epoch ms). */
  | { type: "started"; taskId: string; sessionId: string; claimedAt: number; startedAt: number }
  | { type: "finished"; report: AttemptReport }
  | { type: "error"; message: string }
  | { type: "stopping" }
  | { type: "idle" };

export interface DispatchSummary {
  holder: string;
  /** Attempts run by this dispatcher, in the order they ended. */
  attempts: AttemptReport[];
}

export class Dispatcher {
  readonly holder: string;
  readonly #o: Required<
    Pick<DispatcherOptions, "maxWorkers" | "leaseMs" | "maxAttempts" | "pollMs" | "graceMs">
  > &
    DispatcherOptions;
  readonly #running = new Map<string, Promise<void>>();
  readonly #attempts: AttemptReport[] = [];
  readonly #interrupt = new AbortController();
  #stopping = false;
  #wake: (() => void) | undefined;
  #run: Promise<DispatchSummary> | undefined;

  constructor(options: DispatcherOptions) {
    this.#o = {
      maxWorkers: 2,
      leaseMs: 60_000,
      maxAttempts: 3,
      pollMs: 1000,
      graceMs: 30_000,
      ...withoutUndefined(options),
    };
    for (const key of ["maxWorkers", "leaseMs", "maxAttempts", "pollMs"] as const) {
      const v = this.#o[key];
      if (!(Number.isInteger(v) && v >= 1))
        throw new BridgeError("INVALID_OPTION", `${key} must be a whole number >= 1, got ${String(v)}`);
    }
    if (!(Number.isFinite(this.#o.graceMs) && this.#o.graceMs >= 0))
      throw new BridgeError(
        "INVALID_OPTION",
        `graceMs must be a number of ms >= 0, got ${String(this.#o.graceMs)}`,
      );
    this.holder = options.holder ?? `${hostname()}/${process.pid}/${randomBytes(4).toString("hex")}`;
  }

  /** Tasks whose workers run right now. */
  get running(): string[] {
    return [...this.#running.keys()];
  }

  /** Runs until `stop()` (or, with `once`, until nothing is ready or running); resolves with what ran. */
  run(): Promise<DispatchSummary> {
    this.#run ??= this.#loop();
    return this.#run;
  }

  /**
   * Stops claiming; running workers get `graceMs` to finish, then are
   * interrupted (their attempts end `cancelled`). Resolves when all ended.
   */
  async stop(): Promise<DispatchSummary> {
    if (!this.#stopping) {
      this.#stopping = true;
      this.#emit({ type: "stopping" });
      this.#wake?.();
    }
    return this.run();
  }

  async #loop(): Promise<DispatchSummary> {
    const o = this.#o;
    while (!this.#stopping) {
      let claimed: Task[] = [];
      const room = o.maxWorkers - this.#running.size;
      if (room > 0) {
        try {
          claimed = await o.board.claim({
            holder: this.holder,
            leaseMs: o.leaseMs,
            limit: room,
            maxAttempts: o.maxAttempts,
          });
        } catch (err) {
          this.#emit({ type: "error", message: `claiming failed: ${messageOf(err)}` });
        }
        for (const task of claimed) this.#start(task);
      }
      if (o.once && claimed.length === 0 && this.#running.size === 0 && (await this.#boardIdle())) {
        this.#emit({ type: "idle" });
        break;
      }
      await this.#sleep(claimed.length > 0 && this.#running.size < o.maxWorkers ? 0 : o.pollMs);
    }
    await this.#drain();
    return { holder: this.holder, attempts: [...this.#attempts] };
  }

  /** Nothing left for anyone: no task ready, none running (someone else's may still be reclaimed). */
  async #boardIdle(): Promise<boolean> {
    try {
      const left = await this.#o.board.list({ status: ["ready", "running"], limit: 1 });
      return left.length === 0;
    } catch (err) {
      this.#emit({ type: "error", message: `reading the board failed: ${messageOf(err)}` });
      return false;
    }
  }

  #start(task: Task): void {
    this.#emit({ type: "claimed", task });
    const claimedAt = Date.now();
    const o = this.#o;
    const done = runAttempt(
      task,
      {
        bridge: o.bridge,
        board: o.board,
        boardLocation: o.boardLocation ?? null,
        holder: this.holder,
        leaseMs: o.leaseMs,
        maxAttempts: o.maxAttempts,
        cwd: o.cwd ?? process.cwd(),
        ...(o.model ? { model: o.model } : {}),
        approvalPolicy: o.approvalPolicy ?? "on-request",
        sandbox: o.sandbox ?? "workspace-write",
        ...(o.approvals ? { approvals: o.approvals } : {}),
        ...(o.watchdog ? { watchdog: o.watchdog } : {}),
      },
      this.#interrupt.signal,
      (sessionId) =>
        this.#emit({ type: "started", taskId: task.id, sessionId, claimedAt, startedAt: Date.now() }),
    ).then((report) => {
      this.#attempts.push(report);
      this.#running.delete(task.id);
      this.#emit({ type: "finished", report });
      this.#wake?.();
    });
    this.#running.set(task.id, done);
  }

  async #drain(): Promise<void> {
    if (this.#running.size === 0) return;
    const all = () => Promise.all([...this.#running.values()]);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.#o.graceMs);
    });
    const first = await Promise.race([all(), grace]);
    clearTimeout(timer);
    if (first === "timeout") {
      this.#interrupt.abort(new BridgeError("ABORTED", "the dispatcher stopped"));
      await all();
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
    });
  }

  #emit(event: DispatcherEvent): void {
    try {
      this.#o.onEvent?.(event);
    } catch {
      // An observer's failure must not stop the dispatcher.
    }
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
