/**
 * Watches one turn for the two ways turns hang: running past a deadline,
 * and going quiet after a tool finished (the model call that should follow
 * never answers). Time spent waiting on a human approval counts toward
 * neither: a person thinking is not a stall. The deadline is wall time minus
 * those waits, whatever the turn is doing: a turn that streams forever still
 * ends.
 */
import { BridgeError } from "../errors.js";

export type WatchdogExpiry = "deadline" | "stalled";

export interface WatchdogOptions {
  /** Longest a turn may run, approval waits excluded. Default 600000 ms; 0 disables. */
  turnTimeoutMs?: number;
  /** Longest silence after a tool finished, approval waits excluded. Default 90000 ms; 0 disables. */
  quietTimeoutMs?: number;
  /** Longest codex may take to answer `turn/start`; then the turn fails and the process is retired. Default 30000 ms. */
  startTimeoutMs?: number;
}

export const DEFAULT_TURN_TIMEOUT_MS = 600_000;
export const DEFAULT_QUIET_TIMEOUT_MS = 90_000;
export const DEFAULT_START_TIMEOUT_MS = 30_000;

export class TurnWatchdog {
  readonly turnTimeoutMs: number;
  readonly quietTimeoutMs: number;
  #timer: NodeJS.Timeout | undefined;
  /** When time was last counted. */
  #last = 0;
  /** Unpaused time since the turn started. */
  #active = 0;
  /** Unpaused time since the last tool finished, or null when no tool is awaiting a follow-up. */
  #quiet: number | null = null;
  #paused = false;

  constructor(
    options: WatchdogOptions,
    private readonly onExpire: (kind: WatchdogExpiry, limitMs: number) => void,
    private readonly now: () => number = Date.now,
  ) {
    validateWatchdogOptions(options);
    this.turnTimeoutMs = options.turnTimeoutMs ?? DEFAULT_TURN_TIMEOUT_MS;
    this.quietTimeoutMs = options.quietTimeoutMs ?? DEFAULT_QUIET_TIMEOUT_MS;
  }

  start(): void {
    this.#last = this.now();
    const limits = [this.turnTimeoutMs, this.quietTimeoutMs].filter((ms) => ms > 0);
    if (limits.length === 0) return;
    const tick = Math.min(1000, Math.max(5, Math.floor(Math.min(...limits) / 10)));
    this.#timer = setInterval(() => this.#check(), tick);
    this.#timer.unref();
  }

  /** Something happened in the turn; `toolFinished` arms the quiet timer, anything else disarms it. */
  activity(toolFinished: boolean): void {
    this.#count();
    this.#quiet = toolFinished ? 0 : null;
  }

  /** Approval waits start (`true`) or end (`false`): paused time counts toward no limit. */
  setPaused(paused: boolean): void {
    if (paused === this.#paused) return;
    this.#count();
    this.#paused = paused;
  }

  /** Unpaused time the turn has run, in ms. */
  get activeMs(): number {
    this.#count();
    return this.#active;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Adds the time since the last count to both clocks, unless paused. */
  #count(): void {
    const now = this.now();
    const elapsed = this.#paused ? 0 : Math.max(0, now - this.#last);
    this.#last = now;
    this.#active += elapsed;
    if (this.#quiet !== null) this.#quiet += elapsed;
  }

  #check(): void {
    this.#count();
    if (this.turnTimeoutMs > 0 && this.#active >= this.turnTimeoutMs) {
      this.stop();
      this.onExpire("deadline", this.turnTimeoutMs);
    } else if (this.quietTimeoutMs > 0 && this.#quiet !== null && this.#quiet >= this.quietTimeoutMs) {
      this.stop();
      this.onExpire("stalled", this.quietTimeoutMs);
    }
  }
}

export function validateWatchdogOptions(options: WatchdogOptions): void {
  for (const key of ["turnTimeoutMs", "quietTimeoutMs", "startTimeoutMs"] as const) {
    const v = options[key];
    if (v !== undefined && !(typeof v === "number" && Number.isFinite(v) && v >= 0)) {
      throw new BridgeError(
        "INVALID_OPTION",
        `watchdog.${key} must be a number of ms >= 0, got ${String(v)}`,
      );
    }
  }
}
