/**
 * Watches one turn for the two ways turns hang: running past a deadline,
 * and going quiet after a tool finished (the model call that should follow
 * never answers). Time spent waiting on a human approval counts toward
 * neither: a person thinking is not a stall.
 */
import { BridgeError } from "../errors.js";

export type WatchdogExpiry = "deadline" | "stalled";

export interface WatchdogOptions {
  /** Longest a turn may run, approval waits excluded. Default 600000 ms; 0 disables. */
  turnTimeoutMs?: number;
  /** Longest silence after a tool finished, approval waits excluded. Default 90000 ms; 0 disables. */
  quietTimeoutMs?: number;
}

export const DEFAULT_TURN_TIMEOUT_MS = 600_000;
export const DEFAULT_QUIET_TIMEOUT_MS = 90_000;

export class TurnWatchdog {
  readonly turnTimeoutMs: number;
  readonly quietTimeoutMs: number;
  #timer: NodeJS.Timeout | undefined;
  #last = 0;
  #active = 0;
  /** Unpaused time since the last tool finished, or null when no tool is awaiting a follow-up. */
  #quiet: number | null = null;

  constructor(
    options: WatchdogOptions,
    private readonly isPaused: () => boolean,
    private readonly onExpire: (kind: WatchdogExpiry, limitMs: number) => void,
  ) {
    this.turnTimeoutMs = options.turnTimeoutMs ?? DEFAULT_TURN_TIMEOUT_MS;
    this.quietTimeoutMs = options.quietTimeoutMs ?? DEFAULT_QUIET_TIMEOUT_MS;
    validateWatchdogOptions(options);
  }

  start(): void {
    this.#last = Date.now();
    const limits = [this.turnTimeoutMs, this.quietTimeoutMs].filter((ms) => ms > 0);
    if (limits.length === 0) return;
    const tick = Math.min(1000, Math.max(5, Math.floor(Math.min(...limits) / 10)));
    this.#timer = setInterval(() => this.#check(), tick);
    this.#timer.unref();
  }

  /** Something happened in the turn; `toolFinished` arms the quiet timer. */
  activity(toolFinished: boolean): void {
    this.#advance();
    this.#quiet = toolFinished ? 0 : null;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #advance(): number {
    const now = Date.now();
    const elapsed = this.isPaused() ? 0 : now - this.#last;
    this.#last = now;
    return elapsed;
  }

  #check(): void {
    const elapsed = this.#advance();
    this.#active += elapsed;
    if (this.#quiet !== null) this.#quiet += elapsed;
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
  for (const key of ["turnTimeoutMs", "quietTimeoutMs"] as const) {
    const v = options[key];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) {
      throw new BridgeError(
        "INVALID_OPTION",
        `watchdog.${key} must be a number of ms >= 0, got ${String(v)}`,
      );
    }
  }
}
