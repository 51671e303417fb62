/**
 * @internal
 * What the board's logic (sqlBoard.ts) needs from a backend: transactions
 * over SQL with `?` placeholders, the transaction's clock, and the few
 * phrases where SQLite and PostgreSQL differ. SQLite runs every write in one
 * IMMEDIATE transaction (so it excludes every other writer and needs no row
 * locks); PostgreSQL locks the rows it changes (`FOR UPDATE`, claims with
 * `SKIP LOCKED`).
 */
import { BridgeError, type BridgeErrorCode } from "../../errors.js";

/** A result row; PostgreSQL returns BIGINT columns as strings, so numbers are read with `Number()`. */
export type Row = Record<string, unknown>;

export interface BoardTx {
  /** The rows of a query (or of a statement with RETURNING). */
  all(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a statement; resolves with the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** The transaction's time, epoch ms (PostgreSQL: the server's clock, shared by every dispatcher). */
  readonly now: number;
  /** Appended to a SELECT of rows this transaction will change: ` FOR UPDATE` on PostgreSQL. */
  readonly forUpdate: string;
  /** Appended to a SELECT of rows this transaction needs unchanged: ` FOR SHARE` on PostgreSQL. */
  readonly forShare: string;
  /** Appended to a claim's SELECT: ` FOR UPDATE SKIP LOCKED` on PostgreSQL. */
  readonly skipLocked: string;
  /** Serialises changes of the dependency graph board-wide, so two links can never make a cycle together. */
  lockGraph(): Promise<void>;
}

/** Runs transactions on one board. */
export interface TxRunner {
  /** The board's file, or its URL with the password masked. */
  readonly location: string;
  /** A write transaction; `what` names the operation in a BOARD_FAILED message. A throw rolls it back. */
  write<T>(what: string, fn: (tx: BoardTx) => Promise<T>): Promise<T>;
  /** A read-only transaction (one consistent snapshot). */
  read<T>(what: string, fn: (tx: BoardTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A board error: a BridgeError with one of the board's codes. */
export function boardError(
  code: BridgeErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): BridgeError {
  return new BridgeError(code, message, { details });
}

/**
 * The error for `what` failing on the board at `location`: a BridgeError
 * passes through; anything else is BOARD_FAILED naming the board (never its
 * password: `location` is already masked, and `mask` scrubs the message).
 */
export function backendError(
  what: string,
  location: string,
  cause: unknown,
  mask: (s: string) => string = (s) => s,
): BridgeError {
  if (cause instanceof BridgeError) return cause;
  const code = (cause as { code?: unknown } | null)?.code;
  const message = mask(cause instanceof Error ? cause.message : String(cause));
  return new BridgeError("BOARD_FAILED", `cannot ${what} (board ${location}): ${message}`, {
    cause,
    details: { location, ...(typeof code === "string" ? { backendCode: code } : {}) },
  });
}

/** Serialises async work on one resource (a SQLite connection runs one transaction at a time). */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
