/**
 * The journal as LocalRuntime's event source: a subscriber replays
 * `readEvents(after)` page by page and then follows `onJournal`, receiving
 * every entry exactly once, in sequence order. Live entries that arrive
 * while the replay runs are buffered and drained after it, skipping the
 * sequence numbers the replay already delivered: no gap, no duplicate.
 */
import { BridgeError } from "../errors.js";
import type { JournalEntry, BridgeStore } from "../store/store.js";
import type { TurnResult } from "../codex/events.js";
import type { RuntimeEvent, Subscription } from "./runtime.js";

/** Entries read per replay page; the event loop runs between pages. */
const REPLAY_PAGE = 1000;

/** A journal entry as a client receives it: the event body without the ids the envelope carries. */
export function toRuntimeEvent(entry: JournalEntry): RuntimeEvent {
  const payload = (entry.payload ?? {}) as Record<string, unknown>;
  const { sessionId: _s, threadId: _t, turnId: _u, ...body } = payload;
  return {
    sessionId: entry.sessionId,
    seq: entry.seq,
    at: entry.createdAt,
    turnId: entry.turnId,
    event: { ...body, type: entry.type } as RuntimeEvent["event"],
  };
}

/** The last journal sequence number of a session (0 when it has none). */
export function lastSeqOf(store: BridgeStore, sessionId: string): number {
  const row = store.db
    .prepare("SELECT COALESCE(MAX(seq), 0) AS seq FROM events WHERE session_id = ?")
    .get(sessionId) as { seq: number } | undefined;
  return Number(row?.seq ?? 0);
}

/** The result of a finished turn from its journalled `turn.completed` (the last one when `turnId` is null). */
export function journalledResult(
  store: BridgeStore,
  sessionId: string,
  turnId: string | null,
): TurnResult | null {
  const rows = store.db
    .prepare(
      `SELECT payload_json FROM events WHERE session_id = ? AND type = 'turn.completed'
       ${turnId === null ? "" : "AND turn_id = ?"} ORDER BY seq DESC LIMIT 1`,
    )
    .all(...(turnId === null ? [sessionId] : [sessionId, turnId])) as Array<{ payload_json: string }>;
  const row = rows[0];
  if (!row) return null;
  const payload = JSON.parse(row.payload_json) as { result?: TurnResult };
  return payload.result ?? null;
}

export interface JournalFollower extends Subscription {
  /** The session followed. */
  readonly sessionId: string;
  /** Ends the subscription from the runtime's side (session closed): `closed` resolves with `reason`. */
  end(reason: Error | null): void;
}

/** Replays the session's journal after `after`, then follows it live. */
export async function followJournal(
  store: BridgeStore,
  sessionId: string,
  after: number,
  onEvent: (event: RuntimeEvent) => void,
  onEnd: () => void,
): Promise<JournalFollower> {
  let last = after;
  let live = false;
  let ended = false;
  const buffered: JournalEntry[] = [];
  let resolveClosed: (reason: Error | null) => void = () => {};
  const closed = new Promise<Error | null>((resolve) => {
    resolveClosed = resolve;
  });
  const deliver = (entry: JournalEntry) => {
    if (ended || entry.seq <= last) return;
    last = entry.seq;
    try {
      onEvent(toRuntimeEvent(entry));
    } catch {
      // A subscriber's failure must not stop the journal for the others.
    }
  };
  // Listen first, then replay: an entry committed meanwhile is buffered, never lost.
  const off = store.onJournal((entries) => {
    for (const entry of entries) {
      if (entry.sessionId !== sessionId) continue;
      if (live) deliver(entry);
      else buffered.push(entry);
    }
  });
  const end = (reason: Error | null) => {
    if (ended) return;
    ended = true;
    off();
    onEnd();
    resolveClosed(reason);
  };
  try {
    for (;;) {
      const page = store.readEvents(sessionId, { after: last, limit: REPLAY_PAGE });
      for (const entry of page) deliver(entry);
      if (page.length < REPLAY_PAGE || ended) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
  } catch (err) {
    end(err instanceof Error ? err : new Error(String(err)));
    throw err instanceof BridgeError
      ? err
      : new BridgeError("STORE_FAILED", "cannot replay the journal", { cause: err });
  }
  live = true;
  for (const entry of buffered.splice(0)) deliver(entry);
  return {
    sessionId,
    closed,
    end,
    close: () => {
      end(null);
      return Promise.resolve();
    },
  };
}
