/**
 * Store writes made on behalf of a turn. A write that fails never escapes
 * into codex's event handling (where it would leave the turn hanging or kill
 * the host): the first failure is kept as the turn's `STORE_FAILED` error and
 * reported once, and later writes of the same turn are skipped — each would
 * block the event loop for the store's busy timeout again — except the
 * final ones, which are tried once more.
 */
import { BridgeError } from "../errors.js";
import type { BridgeStore } from "../store/store.js";
import type { TurnError } from "./events.js";

export class StoreWrites {
  #failure: TurnError | undefined;

  constructor(
    readonly store: BridgeStore | null,
    private readonly onFailure: (error: TurnError) => void = () => {},
  ) {}

  /** The first failed write's error, if any. */
  get failure(): TurnError | undefined {
    return this.#failure;
  }

  /**
   * Runs `write` against the store (nothing without one). Returns its value,
   * or undefined when it failed or was skipped after an earlier failure
   * (`final` writes are tried anyway).
   */
  run<T>(what: string, write: (store: BridgeStore) => T, options: { final?: boolean } = {}): T | undefined {
    if (!this.store) return undefined;
    if (this.#failure && !options.final) return undefined;
    try {
      return write(this.store);
    } catch (err) {
      if (!this.#failure) {
        this.#failure = storeFailure(what, this.store.path, err);
        this.onFailure(this.#failure);
      }
      return undefined;
    }
  }

  /**
   * Runs `fn` with the store writes it makes in one transaction (see
   * `BridgeStore.batch`). A commit that fails becomes the turn's failure like
   * any failed write; what `fn` throws is rethrown after the commit.
   */
  batch<T>(fn: () => T): T {
    if (!this.store) return fn();
    let thrown: { error: unknown } | undefined;
    let out: T | undefined;
    this.run(
      "committing the turn's writes",
      (s) =>
        s.batch(() => {
          try {
            out = fn();
          } catch (error) {
            thrown = { error };
          }
        }),
      { final: true },
    );
    if (thrown) throw thrown.error;
    return out as T;
  }
}

function storeFailure(what: string, path: string, err: unknown): TurnError {
  const message = err instanceof Error ? err.message : String(err);
  // The store names its file in its own errors; add it where a raw SQLite error does not.
  const named = message.includes(path) ? message : `${message} (store ${path})`;
  // LOCKED (another process held the write lock past the busy timeout) stays LOCKED; anything else is STORE_FAILED.
  const code = err instanceof BridgeError && err.code === "LOCKED" ? "LOCKED" : "STORE_FAILED";
  return {
    code,
    message: `the store failed while ${what}: ${named}`,
    ...(err instanceof BridgeError ? { details: err.details } : {}),
  };
}
