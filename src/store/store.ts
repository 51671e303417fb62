/**
 * Typed access to the store: sessions and turns, transcript messages, the
 * append-only event journal (a per-session sequence the gateway replays
 * from), and the approvals audit. Every write is one transaction (or part of
 * the enclosing `batch`) and throws when it is not stored (`STORE_FAILED`, or
 * `LOCKED` when another process holds the lock).
 */
import { resolve } from "node:path";
import { isBridgeError } from "../errors.js";
import { openDatabase, type SqliteDatabase } from "./db.js";
import { Journal } from "./journal.js";
import { type JournalOptions, validateJournalOptions } from "./journalCap.js";
import {
  type ApprovalRecord,
  type JournalEntry,
  json,
  type MessageRecord,
  parse,
  type Row,
  type SessionRecord,
  type SessionStatus,
  type TurnRecord,
  type TurnStatus,
  toApproval,
  toMessage,
  toSession,
  toTurn,
} from "./records.js";
import { guarded } from "./storeErrors.js";
import { resolveSessionRef } from "./sessionRef.js";
import { WriteBatch } from "./writeBatch.js";
import { interruptOrphans } from "./orphans.js";
import { currentOwner, type OwnerState, ownerState, parseOwner, type TurnOwner } from "./owner.js";
import { statements } from "./statements.js";

export type {
  ApprovalRecord,
  JournalEntry,
  MessageRecord,
  SessionRecord,
  SessionStatus,
  TurnRecord,
  TurnStatus,
} from "./records.js";
export type { JournalOptions } from "./journalCap.js";

/** Options of {@link BridgeStore.open}. */
export interface StoreOpenOptions {
  /** What the journal keeps (see {@link JournalOptions}). */
  journal?: JournalOptions;
  /** Interrupt the turns whose process is gone (see `interruptOrphanedTurns`). Default true. */
  reconcile?: boolean;
  /** Prune journal entries past `journal.retainDays` (see `pruneJournal`). Default false. */
  prune?: boolean;
}

export class BridgeStore {
  /** @internal The open database, for the store's own modules and the built-in tools; not public API. */
  readonly db: SqliteDatabase;
  readonly path: string;
  readonly #stmts;
  readonly #transaction: (fn: () => unknown) => unknown;
  readonly #journal: Journal;
  readonly #journalListeners = new Set<(entries: JournalEntry[]) => void>();
  readonly #batch: WriteBatch;

  private constructor(db: SqliteDatabase, path: string, journal: JournalOptions) {
    this.db = db;
    this.path = path;
    this.#stmts = statements(db);
    // One wrapper, made once: its COMMIT throws when the write is not stored.
    this.#transaction = db.transaction((fn: () => unknown) => fn());
    this.#batch = new WriteBatch(db, path, (entries) => this.#announce(entries));
    this.#journal = new Journal(
      {
        stmts: this.#stmts,
        write: (what, fn) => this.#write(what, fn),
        read: (what, fn) => this.#read(what, fn),
        announce: (entries) => this.#batch.committed(entries),
      },
      journal,
    );
  }

  /**
   * Opens the store at `path` (see {@link openDatabase}: created 0600 in a
   * 0700 folder), then marks the turns whose process is gone interrupted and,
   * with `prune`, prunes the journal. Both are housekeeping: when the store is
   * locked or full they are left for the next open (or the session's next
   * turn), and the store still opens for reading.
   */
  static open(path: string, options: StoreOpenOptions = {}): BridgeStore {
    const journal = validateJournalOptions(options.journal ?? {});
    const store = new BridgeStore(openDatabase(path), path === ":memory:" ? path : resolve(path), journal);
    try {
      if (options.reconcile !== false) housekeeping(() => store.interruptOrphanedTurns());
      if (options.prune) housekeeping(() => store.pruneJournal());
    } catch (err) {
      store.close();
      throw err;
    }
    return store;
  }

  /** What the journal keeps; changing it applies to the next events. */
  get journalOptions(): JournalOptions {
    return this.#journal.options;
  }

  set journalOptions(options: JournalOptions) {
    this.#journal.setOptions(validateJournalOptions(options));
  }

  /**
   * Runs `fn` with every write it makes in one transaction, committed when `fn`
   * returns (or throws: what it wrote was acknowledged to it). The writes
   * inside return before the commit; journal entries are announced to
   * `onJournal` listeners after it. Throws when the commit fails. Nested
   * calls join the outer batch.
   */
  batch<T>(fn: () => T): T {
    return this.#batch.run(fn);
  }

  createSession(record: Omit<SessionRecord, "createdAt" | "updatedAt">, now = Date.now()): SessionRecord {
    const full = { ...record, createdAt: now, updatedAt: now };
    this.#write("recording a session", () =>
      this.#stmts.insertSession.run({ ...full, options: json(record.options) }),
    );
    return full;
  }

  /** Updates a session; an `idle`/`failed` status while another turn of it still runs leaves it `running`. */
  updateSession(
    id: string,
    changes: { threadId?: string; status?: SessionStatus; title?: string; model?: string },
    now = Date.now(),
  ): void {
    this.#write("updating a session", () =>
      this.#stmts.updateSession.run({
        id,
        threadId: changes.threadId ?? null,
        status: changes.status ?? null,
        title: changes.title ?? null,
        model: changes.model ?? null,
        now,
      }),
    );
  }

  getSession(id: string): SessionRecord | undefined {
    const row = this.#read("reading a session", () => this.#stmts.getSession.get(id) as Row | undefined);
    return row ? toSession(row) : undefined;
  }

  findSessionByThread(threadId: string): SessionRecord | undefined {
    const row = this.#read(
      "reading a session",
      () => this.#stmts.getSessionByThread.get(threadId) as Row | undefined,
    );
    return row ? toSession(row) : undefined;
  }

  listSessions(limit = 100): SessionRecord[] {
    return this.#read("listing sessions", () => this.#stmts.listSessions.all(limit) as Row[]).map(toSession);
  }

  /**
   * Records a new turn owned by this process; returns its 1-based index in
   * the session. Turns of the session whose process is gone are interrupted first.
   */
  startTurn(sessionId: string, inputText: string, now = Date.now()): number {
    return this.#write("recording a turn", () => {
      interruptOrphans(this.#stmts, this.#stmts.runningTurnsOf.all(sessionId) as Row[], now);
      const row = this.#stmts.insertTurn.get({
        sessionId,
        inputText,
        now,
        owner: json(currentOwner()),
      }) as { idx: number };
      return row.idx;
    });
  }

  /** The processes recorded as running the session's turns now, each with whether it still lives. */
  runningTurnOwners(sessionId: string): Array<{ owner: TurnOwner | null; state: OwnerState }> {
    const rows = this.#read(
      "reading running turns",
      () => this.#stmts.runningTurnsOf.all(sessionId) as Row[],
    );
    return rows.map((r) => {
      const owner = parseOwner(parse(r.owner_json));
      return { owner, state: owner ? ownerState(owner) : "gone" };
    });
  }

  setTurnId(sessionId: string, idx: number, turnId: string): void {
    this.#write("recording a turn id", () => this.#stmts.setTurnId.run({ sessionId, idx, turnId }));
  }

  finishTurn(
    sessionId: string,
    idx: number,
    result: {
      status: TurnStatus;
      turnId?: string | null;
      finalText: string;
      error?: unknown;
      usage?: unknown;
    },
    now = Date.now(),
  ): void {
    this.#write("recording the end of a turn", () =>
      this.#stmts.finishTurn.run({
        sessionId,
        idx,
        status: result.status,
        turnId: result.turnId ?? null,
        finalText: result.finalText,
        error: result.error === undefined ? null : json(result.error),
        usage: result.usage === undefined ? null : json(result.usage),
        now,
      }),
    );
  }

  /** The status of the session's last turn, or undefined before its first. */
  lastTurnStatus(sessionId: string): TurnRecord["status"] | undefined {
    const row = this.#read(
      "reading a turn",
      () => this.#stmts.lastTurnStatus.get(sessionId) as Row | undefined,
    );
    return row === undefined ? undefined : (row.status as TurnRecord["status"]);
  }

  listTurns(sessionId: string): TurnRecord[] {
    return this.#read("listing turns", () => this.#stmts.listTurns.all(sessionId) as Row[]).map(toTurn);
  }

  /**
   * Marks `interrupted` (error `BRIDGE_EXITED`) every running turn whose
   * process is gone (or was never recorded, by a codex-bridge before owners
   * were), journals a `turn.completed` for it, and sets its session `idle`
   * when nothing else of it runs. A turn whose owner was in fact alive gets
   * its real status when that owner finishes it. Returns how many it marked.
   */
  interruptOrphanedTurns(now = Date.now()): number {
    const running = this.#read("reading running turns", () => this.#stmts.runningTurns.all() as Row[]);
    if (running.length === 0) return 0;
    return this.#write("interrupting the turns of exited processes", () =>
      interruptOrphans(this.#stmts, running, now),
    );
  }

  /** Appends a transcript message; a message with a key already stored is ignored (replays are idempotent). */
  addMessage(
    sessionId: string,
    m: {
      key: string;
      turnId: string | null;
      itemId: string | null;
      itemType: string | null;
      role: string;
      message: unknown;
    },
    now = Date.now(),
  ): boolean {
    const info = this.#write("storing a transcript message", () =>
      this.#stmts.insertMessage.run({ sessionId, ...m, message: json(m.message), now }),
    );
    // Later completed events of the session reference this message instead of repeating it.
    if (info.changes > 0) this.#journal.messages.add(sessionId, m.key, m.message);
    return info.changes > 0;
  }

  listMessages<M = unknown>(
    sessionId: string,
    options: { after?: number; limit?: number } = {},
  ): MessageRecord<M>[] {
    return this.#read(
      "reading the transcript",
      () => this.#stmts.listMessages.all(sessionId, options.after ?? 0, options.limit ?? -1) as Row[],
    ).map((r) => toMessage<M>(r));
  }

  /**
   * Appends to the session's journal and returns the entry's sequence number
   * (1, 2, 3 … per session) once it is committed; throws when it is not
   * stored. A number is never handed out twice (pruning keeps each session's newest entry).
   */
  appendEvent(
    sessionId: string,
    turnId: string | null,
    type: string,
    payload: unknown,
    now = Date.now(),
  ): number {
    return this.#journal.append(sessionId, turnId, type, payload, now);
  }

  /**
   * Calls `listener` with journal entries once they are committed, in sequence
   * order per session, in this process (the gateway follows live sessions with
   * it: a subscriber replays `readEvents(after)` and then takes entries from
   * here, skipping sequence numbers it already has). A listener that throws is
   * removed. Returns the unsubscribe function.
   */
  onJournal(listener: (entries: JournalEntry[]) => void): () => void {
    this.#journalListeners.add(listener);
    return () => this.#journalListeners.delete(listener);
  }

  #announce(entries: JournalEntry[]): void {
    for (const listener of [...this.#journalListeners]) {
      try {
        listener(entries);
      } catch {
        this.#journalListeners.delete(listener);
      }
    }
  }

  /**
   * Journals a session event with command output capped (see
   * {@link JournalOptions.maxOutputChars}), writing it with the session's
   * queued events in one transaction; returns its sequence number, or null
   * when the event is not journalled (output past the cap).
   */
  journalEvent(
    sessionId: string,
    turnId: string | null,
    type: string,
    payload: unknown,
    now = Date.now(),
  ): number | null {
    if (!this.#journal.queue(sessionId, turnId, type, payload, now)) return null;
    return this.flushJournal(sessionId).at(-1)?.seq ?? null;
  }

  /**
   * Queues a session event for the journal without writing it (command output
   * capped): consecutive deltas of one item are coalesced into one entry whose
   * `delta` is their concatenation. The entry gets its sequence number when
   * the session's queue is written: by `flushJournal`, or by the next
   * `journalEvent`. Returns whether anything was queued.
   */
  queueEvent(
    sessionId: string,
    turnId: string | null,
    type: string,
    payload: unknown,
    now = Date.now(),
  ): boolean {
    return this.#journal.queue(sessionId, turnId, type, payload, now);
  }

  /**
   * Writes the session's queued events in one transaction and returns them
   * with their sequence numbers (none when nothing is queued). When the write
   * fails, the queued events are dropped (none got a number) and it throws.
   */
  flushJournal(sessionId: string): JournalEntry[] {
    return this.#journal.flush(sessionId);
  }

  /** Whether the session has queued journal events not yet written. */
  hasQueuedEvents(sessionId: string): boolean {
    return this.#journal.pending(sessionId);
  }

  /**
   * Journal entries after `after` (exclusive), oldest first. Entries stored
   * by reference (completed events) come back with the transcript's messages
   * and text in place, as a live subscriber saw them.
   */
  readEvents(sessionId: string, options: { after?: number; limit?: number } = {}): JournalEntry[] {
    return this.#journal.read(sessionId, options.after ?? 0, options.limit ?? -1);
  }

  /**
   * Deletes journal entries older than `before` (default: now minus
   * `retainDays`, from the options or 30) except each session's newest, so
   * sequence numbers keep growing. Returns how many were deleted.
   */
  pruneJournal(options: { before?: number; retainDays?: number } = {}, now = Date.now()): number {
    return this.#journal.prune(options, now);
  }

  recordApproval(record: ApprovalRecord): void {
    this.#write("recording an approval", () =>
      this.#stmts.insertApproval.run({
        ...record,
        request: json(record.request),
        response: json(record.response),
      }),
    );
  }

  listApprovals(sessionId: string): ApprovalRecord[] {
    return this.#read("listing approvals", () => this.#stmts.listApprovals.all(sessionId) as Row[]).map(
      toApproval,
    );
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * The id of the one session `ref` names: a session id, a codex thread id,
   * or a unique prefix of a session id. Throws NOT_FOUND when none matches,
   * AMBIGUOUS (listing the candidates) when a prefix matches several.
   */
  resolveSessionId(ref: string): string {
    return resolveSessionRef(this, ref);
  }

  /**
   * The most recently updated session, or undefined when there is none.
   * `{ ownOnly: true }` passes over kanban workers' sessions (those with a
   * `taskId`), which a dispatcher may have updated since the user's last run.
   */
  latestSession({ ownOnly = false }: { ownOnly?: boolean } = {}): SessionRecord | undefined {
    if (!ownOnly) return this.listSessions(1)[0];
    const row = this.#read(
      "finding the latest session",
      () => this.#stmts.latestOwnSession.get() as Row | undefined,
    );
    return row === undefined ? undefined : toSession(row);
  }

  /** Deletes a session with its turns, transcript and journal (the approvals audit is kept). False when absent. */
  deleteSession(id: string): boolean {
    this.#journal.drop(id);
    return this.#write("deleting a session", () => {
      for (const table of ["messages", "events", "turns"]) {
        this.db.prepare(`DELETE FROM ${table} WHERE session_id = ?`).run(id);
      }
      return this.db.prepare(`DELETE FROM sessions WHERE id = ?`).run(id).changes > 0;
    });
  }

  #write<T>(what: string, fn: () => T): T {
    return guarded(what, this.path, () => {
      this.#batch.beforeWrite();
      return this.#transaction(fn) as T;
    });
  }

  #read<T>(what: string, fn: () => T): T {
    return guarded(what, this.path, fn);
  }
}

/** Runs housekeeping that may wait for a later open: a locked or full store skips it. */
function housekeeping(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!isBridgeError(err, "LOCKED") && !isBridgeError(err, "STORE_FAILED")) throw err;
  }
}
