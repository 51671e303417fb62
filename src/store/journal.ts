/**
 * The event journal's write and read paths, behind `BridgeStore`. Events are
 * queued and written in one transaction per flush: a non-delta event flushes
 * the session's queue at once (with the deltas before it), deltas wait for
 * the next flush (the session flushes on a short timer and before a turn's
 * end is reported) and are coalesced per item while they wait. Completed
 * events are stored without the text the transcript holds (see
 * journalRefs.ts) and rebuilt on read.
 */
import { DEFAULT_JOURNAL_RETAIN_DAYS, JournalCapper, type JournalOptions } from "./journalCap.js";
import { JournalBuffer } from "./journalBuffer.js";
import { hydrate, type JournalRef, MessageIndex } from "./journalRefs.js";
import { json, type JournalEntry, type Row, toEntry } from "./records.js";
import type { Statements } from "./statements.js";

const DAY_MS = 86_400_000;
/** Event types whose payload repeats transcript messages: stored by reference. */
const REFERENCING = new Set(["item.completed", "turn.completed"]);

/** What the journal needs of its store: statements, and the store's guarded write/read wrappers. */
export interface JournalHost {
  stmts: Statements;
  write<T>(what: string, fn: () => T): T;
  read<T>(what: string, fn: () => T): T;
  /** Hands committed entries to the listeners (after the enclosing batch commits, when one is open). */
  announce(entries: JournalEntry[]): void;
}

export class Journal {
  readonly #buffer = new JournalBuffer();
  readonly messages = new MessageIndex();
  #capper: JournalCapper;

  constructor(
    private readonly host: JournalHost,
    public options: JournalOptions,
  ) {
    this.#capper = new JournalCapper(options.maxOutputChars);
  }

  setOptions(options: JournalOptions): void {
    this.options = options;
    this.#capper = new JournalCapper(options.maxOutputChars);
  }

  /** Appends one entry now, as given (no cap, no reference); returns its sequence number. */
  append(sessionId: string, turnId: string | null, type: string, payload: unknown, now: number): number {
    const row = this.host.write("appending to the journal", () =>
      this.host.stmts.appendEvent.get({ sessionId, turnId, type, payload: json(payload), refs: null, now }),
    ) as { seq: number };
    this.host.announce([{ sessionId, seq: row.seq, turnId, type, payload, createdAt: now }]);
    return row.seq;
  }

  /** Queues an event (command output capped); false when it is not journalled at all. */
  queue(sessionId: string, turnId: string | null, type: string, payload: unknown, now: number): boolean {
    const capped = this.#capper.cap(sessionId, type, payload);
    if (capped === null) return false;
    this.#buffer.add({ sessionId, turnId, type, payload: capped, createdAt: now });
    return true;
  }

  /** Whether the session has queued entries. */
  pending(sessionId: string): boolean {
    return this.#buffer.has(sessionId);
  }

  /**
   * Writes the session's queued entries in one transaction and returns them
   * with their sequence numbers. When the write fails the entries are dropped
   * (none got a number) and the error is thrown.
   */
  flush(sessionId: string): JournalEntry[] {
    if (!this.#buffer.has(sessionId)) return [];
    const pending = this.#buffer.take(sessionId);
    const { stmts } = this.host;
    const entries = this.host.write("appending to the journal", () =>
      pending.map((e): JournalEntry => {
        const { stored, refs } = REFERENCING.has(e.type)
          ? this.messages.dehydrate(sessionId, e.payload)
          : { stored: e.payload, refs: [] };
        const row = stmts.appendEvent.get({
          sessionId,
          turnId: e.turnId,
          type: e.type,
          payload: json(stored),
          refs: refs.length > 0 ? json(refs) : null,
          now: e.createdAt,
        }) as { seq: number };
        return {
          sessionId,
          seq: row.seq,
          turnId: e.turnId,
          type: e.type,
          payload: e.payload,
          createdAt: e.createdAt,
        };
      }),
    );
    if (entries.some((e) => e.type === "turn.completed")) this.messages.forget(sessionId);
    this.host.announce(entries);
    return entries;
  }

  /** Drops what is queued for a deleted session. */
  drop(sessionId: string): void {
    this.#buffer.drop(sessionId);
    this.messages.forget(sessionId);
  }

  /** Entries after `after`, oldest first, with the payloads stored by reference rebuilt. */
  read(sessionId: string, after: number, limit: number): JournalEntry[] {
    const { stmts } = this.host;
    return this.host.read("reading the journal", () => {
      const rows = stmts.readEvents.all(sessionId, after, limit) as Row[];
      const cache = new Map<string, string | undefined>();
      const message = (key: string): unknown => {
        if (!cache.has(key)) {
          const row = stmts.messageJson.get(sessionId, key) as { message_json: string } | undefined;
          cache.set(key, row?.message_json);
        }
        const text = cache.get(key);
        return text === undefined ? undefined : JSON.parse(text);
      };
      return rows.map((r) => {
        const entry = toEntry(r);
        if (typeof r.refs_json === "string") {
          entry.payload = hydrate(entry.payload, JSON.parse(r.refs_json) as JournalRef[], message);
        }
        return entry;
      });
    });
  }

  /** See `BridgeStore.pruneJournal`. */
  prune(options: { before?: number; retainDays?: number }, now: number): number {
    const days = options.retainDays ?? this.options.retainDays ?? DEFAULT_JOURNAL_RETAIN_DAYS;
    const before = options.before ?? now - days * DAY_MS;
    if (!Number.isFinite(before)) return 0;
    const { stmts } = this.host;
    // Look before deleting: a DELETE takes the write lock even when nothing matches.
    if (this.host.read("reading the journal", () => stmts.anyEventBefore.get({ before })) === undefined)
      return 0;
    let deleted = 0;
    // In batches, so a big prune never holds the write lock long.
    for (;;) {
      const { changes } = this.host.write("pruning the journal", () => stmts.pruneEvents.run({ before }));
      deleted += changes;
      if (changes < 5000) return deleted;
    }
  }
}
