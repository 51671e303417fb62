/**
 * Several writes in one transaction: `BridgeStore.batch`. The first write
 * inside opens the transaction (BEGIN IMMEDIATE, waiting for another
 * process's lock up to the busy timeout); each write runs in a savepoint
 * (better-sqlite3 nests its transactions), so a failed write undoes only
 * itself; the batch commits when its function returns. Journal entries
 * written inside are announced after the commit, never before.
 */
import type { SqliteDatabase } from "./db.js";
import type { JournalEntry } from "./records.js";
import { guarded } from "./storeErrors.js";

export class WriteBatch {
  #depth = 0;
  #entries: JournalEntry[] = [];

  constructor(
    private readonly db: SqliteDatabase,
    private readonly path: string,
    private readonly announce: (entries: JournalEntry[]) => void,
  ) {}

  /** Runs `fn` in the batch (joining an open one); throws when the commit fails. */
  run<T>(fn: () => T): T {
    if (this.#depth > 0) return fn();
    this.#depth++;
    try {
      return fn();
    } finally {
      this.#depth--;
      this.#commit();
    }
  }

  /** Called before each write: opens the batch's transaction at the first one. */
  beforeWrite(): void {
    if (this.#depth > 0 && !this.db.inTransaction) this.db.exec("BEGIN IMMEDIATE");
  }

  /** Announces committed entries now, or after the open batch commits. */
  committed(entries: JournalEntry[]): void {
    if (this.#depth > 0) this.#entries.push(...entries);
    else this.announce(entries);
  }

  #commit(): void {
    const entries = this.#entries;
    this.#entries = [];
    // Nothing was written, or SQLite rolled the whole transaction back after a failed write (which threw):
    // then its entries are not stored and are not announced.
    if (!this.db.open || !this.db.inTransaction) return;
    try {
      guarded("committing writes", this.path, () => this.db.exec("COMMIT"));
    } catch (err) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      throw err;
    }
    if (entries.length > 0) this.announce(entries);
  }
}
