/**
 * How a SQLite failure becomes a {@link BridgeError}: lock contention that
 * outlasted the busy timeout is `LOCKED`, anything else `STORE_FAILED`; both
 * name the file and keep SQLite's error as the cause.
 */
import { BridgeError } from "../errors.js";

/** How long a write waits for another process's lock before it is `LOCKED`. */
export const BUSY_TIMEOUT_MS = 5000;

/** The error for `what` failing on the store at `file` (a BridgeError passes through unchanged). */
export function storeError(what: string, file: string, cause: unknown): BridgeError {
  if (cause instanceof BridgeError) return cause;
  const code = (cause as { code?: unknown } | null)?.code;
  const message = cause instanceof Error ? cause.message : String(cause);
  if (typeof code === "string" && /^SQLITE_(BUSY|LOCKED)/.test(code)) {
    return new BridgeError(
      "LOCKED",
      `${what}: the store ${file} is locked by another process (waited ${BUSY_TIMEOUT_MS / 1000} s); retry once it is done`,
      { cause, details: { file, sqliteCode: code } },
    );
  }
  return new BridgeError("STORE_FAILED", `${what} in ${file}: ${message}`, {
    cause,
    details: { file, ...(typeof code === "string" ? { sqliteCode: code } : {}) },
  });
}

/** Runs `fn`, turning what it throws into a store error. */
export function guarded<T>(what: string, file: string, fn: () => T): T {
  try {
    return fn();
  } catch (cause) {
    throw storeError(what, file, cause);
  }
}
