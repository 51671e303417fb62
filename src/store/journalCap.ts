/**
 * Keeps command output in the journal as small as in the transcript: per
 * command item, `command.output` deltas are journalled up to
 * `maxOutputChars`, then one last delta says the rest was cut (`truncated:
 * true`) and further deltas are dropped; `aggregatedOutput` in `item.*`
 * payloads and in a `turn.completed` result's items keeps its head and tail.
 * Live subscribers still get every byte; only the stored copy is capped.
 */
import { BridgeError } from "../errors.js";

/** Default cap of command output kept in the journal, per item: the transcript's cap. */
export const DEFAULT_JOURNAL_MAX_OUTPUT_CHARS = 32_000;
/** Default journal retention: entries older than this many days are pruned when a bridge opens its store. */
export const DEFAULT_JOURNAL_RETAIN_DAYS = 30;

/** How much of the journal is kept. */
export interface JournalOptions {
  /** Command output kept per item, in characters (>= 200). Default 32000 (the transcript's cap). */
  maxOutputChars?: number;
  /**
   * Journal entries older than this are pruned (`pruneJournal`) when a bridge
   * opens its store; `Infinity` keeps them all. Transcripts, turns and the
   * approvals audit are never pruned. Default 30.
   */
  retainDays?: number;
}

/** Throws `INVALID_OPTION` naming the option when `options` is not a valid {@link JournalOptions}. */
export function validateJournalOptions(options: JournalOptions): JournalOptions {
  const { maxOutputChars: max, retainDays: days } = options;
  if (max !== undefined && !(Number.isInteger(max) && max >= 200)) {
    throw new BridgeError(
      "INVALID_OPTION",
      `journal.maxOutputChars must be a whole number of characters >= 200, got ${String(max)}`,
    );
  }
  if (days !== undefined && !(typeof days === "number" && days > 0)) {
    throw new BridgeError(
      "INVALID_OPTION",
      `journal.retainDays must be a number of days > 0 (Infinity keeps everything), got ${String(days)}`,
    );
  }
  return options;
}

/** Keeps the head and tail of long text with an explicit marker in between. */
export function truncateOutput(text: string, max: number): string {
  if (text.length <= max) return text;
  const keep = Math.max(0, max - 64);
  const head = Math.ceil(keep * 0.75);
  const tail = keep - head;
  return `${text.slice(0, head)}\n[… truncated ${text.length - head - tail} characters …]\n${tail > 0 ? text.slice(-tail) : ""}`;
}

const CUT = -1;

/** Decides, event by event, what of a session's events the journal stores. */
export class JournalCapper {
  /** Characters of output journalled per `session\0item`, or CUT once the cap was reached. */
  readonly #written = new Map<string, number>();

  constructor(readonly maxOutputChars: number = DEFAULT_JOURNAL_MAX_OUTPUT_CHARS) {}

  /** The payload to store for this event, or `null` when it is not stored at all. */
  cap(sessionId: string, type: string, payload: unknown): unknown {
    const p = payload !== null && typeof payload === "object" ? (payload as Record<string, unknown>) : null;
    if (!p) return payload;
    const max = this.maxOutputChars;
    if (type === "command.output" && typeof p.delta === "string") {
      const key = `${sessionId}\0${String(p.itemId)}`;
      const written = this.#written.get(key) ?? 0;
      if (written === CUT) return null;
      if (written + p.delta.length <= max) {
        this.#written.set(key, written + p.delta.length);
        return payload;
      }
      this.#written.set(key, CUT);
      return {
        ...p,
        delta: `${p.delta.slice(0, max - written)}\n[… command output beyond ${max} characters not journalled …]\n`,
        truncated: true,
      };
    }
    if ((type === "item.completed" || type === "item.started") && p.item) {
      if (type === "item.completed") this.#forget(sessionId, (p.item as { id?: unknown }).id);
      return { ...p, item: capItem(p.item, max) };
    }
    if (type === "turn.completed" && p.result && typeof p.result === "object") {
      for (const key of this.#written.keys()) if (key.startsWith(`${sessionId}\0`)) this.#written.delete(key);
      const result = p.result as Record<string, unknown>;
      if (!Array.isArray(result.items)) return payload;
      return { ...p, result: { ...result, items: result.items.map((i) => capItem(i, max)) } };
    }
    return payload;
  }

  #forget(sessionId: string, itemId: unknown): void {
    this.#written.delete(`${sessionId}\0${String(itemId)}`);
  }
}

function capItem(item: unknown, max: number): unknown {
  if (!item || typeof item !== "object") return item;
  const i = item as Record<string, unknown>;
  if (typeof i.aggregatedOutput !== "string" || i.aggregatedOutput.length <= max) return item;
  return { ...i, aggregatedOutput: truncateOutput(i.aggregatedOutput, max), outputTruncated: true };
}
