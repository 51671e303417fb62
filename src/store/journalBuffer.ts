/**
 * Journal entries waiting for their transaction, per session. Consecutive
 * deltas of one item (`text.delta`, `reasoning.delta`, `command.output`) are
 * coalesced into one entry whose `delta` is their concatenation, so a reply
 * streamed as 20 000 deltas costs a few rows, not 20 000; order is kept
 * exactly (a delta of another item, or any other event, starts a new entry).
 */

/** Event types whose payload is `{ itemId, delta }` and which are coalesced. */
export const DELTA_TYPES: ReadonlySet<string> = new Set(["text.delta", "reasoning.delta", "command.output"]);

/** Keys a delta payload may have to be coalesced (a `truncated` mark, say, keeps its own entry). */
const DELTA_KEYS = new Set(["sessionId", "threadId", "turnId", "type", "itemId", "delta"]);

export interface PendingEntry {
  sessionId: string;
  turnId: string | null;
  type: string;
  payload: unknown;
  createdAt: number;
  /** The deltas of a coalesced entry, joined into `payload.delta` when written. */
  chunks?: string[];
}

export class JournalBuffer {
  readonly #pending = new Map<string, PendingEntry[]>();

  /** Queues an entry for the session, coalescing it into the previous one when both are deltas of one item. */
  add(entry: PendingEntry): void {
    let queue = this.#pending.get(entry.sessionId);
    if (!queue) this.#pending.set(entry.sessionId, (queue = []));
    const last = queue.at(-1);
    if (last?.chunks && coalescible(entry) && sameItem(last, entry)) {
      last.chunks.push((entry.payload as { delta: string }).delta);
      return;
    }
    queue.push(
      coalescible(entry) ? { ...entry, chunks: [(entry.payload as { delta: string }).delta] } : entry,
    );
  }

  /** Whether the session has entries waiting. */
  has(sessionId: string): boolean {
    return (this.#pending.get(sessionId)?.length ?? 0) > 0;
  }

  /** Removes and returns the session's entries, coalesced deltas joined. */
  take(sessionId: string): PendingEntry[] {
    const queue = this.#pending.get(sessionId) ?? [];
    this.#pending.delete(sessionId);
    return queue.map((e) =>
      e.chunks
        ? {
            sessionId: e.sessionId,
            turnId: e.turnId,
            type: e.type,
            createdAt: e.createdAt,
            payload: { ...(e.payload as object), delta: e.chunks.join("") },
          }
        : e,
    );
  }

  /** Drops the session's entries (the session was deleted). */
  drop(sessionId: string): void {
    this.#pending.delete(sessionId);
  }
}

function coalescible(e: PendingEntry): boolean {
  if (!DELTA_TYPES.has(e.type)) return false;
  const p = e.payload;
  if (p === null || typeof p !== "object" || typeof (p as { delta?: unknown }).delta !== "string")
    return false;
  for (const k of Object.keys(p)) if (!DELTA_KEYS.has(k)) return false;
  return true;
}

function sameItem(a: PendingEntry, b: PendingEntry): boolean {
  const pa = a.payload as Record<string, unknown>;
  const pb = b.payload as Record<string, unknown>;
  return (
    a.type === b.type &&
    a.turnId === b.turnId &&
    pa.itemId === pb.itemId &&
    pa.threadId === pb.threadId &&
    pa.turnId === pb.turnId
  );
}
