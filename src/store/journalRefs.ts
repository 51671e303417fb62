/**
 * Completed events (`item.completed`, `turn.completed`) carry the transcript
 * messages and the text the `messages` table already holds. The journal stores
 * them by reference: each such value is stored as `null` and listed in the
 * row's `refs_json` as `[path, messageKey, field?]` — the whole message, or
 * one of its fields (`content`) — and rebuilt from `messages` on read, so a
 * replayer gets the payload a live subscriber saw.
 */

/** A value of a payload held by a transcript message: its path, the message key, and the field (or the whole message). */
export type JournalRef = [path: Array<string | number>, key: string, field?: "content"];

/** Strings shorter than this are stored inline: a reference would not save anything. */
const MIN_REF_CHARS = 256;
/** Long message contents remembered per session for references; older ones fall out. */
const MAX_TEXTS = 64;

/** The transcript messages of recent turns, by identity and by long content, per session. */
export class MessageIndex {
  readonly #objects = new WeakMap<object, { sessionId: string; key: string }>();
  readonly #texts = new Map<string, Map<string, string>>();

  /** Remembers a message stored under `key` (its object, and its content when long). */
  add(sessionId: string, key: string, message: unknown): void {
    if (message === null || typeof message !== "object") return;
    this.#objects.set(message, { sessionId, key });
    const content = (message as { content?: unknown }).content;
    if (typeof content !== "string" || content.length < MIN_REF_CHARS) return;
    let texts = this.#texts.get(sessionId);
    if (!texts) this.#texts.set(sessionId, (texts = new Map<string, string>()));
    texts.set(content, key);
    if (texts.size > MAX_TEXTS) texts.delete(texts.keys().next().value as string);
  }

  /** Forgets the session's long contents (its turn ended: later events do not repeat them). */
  forget(sessionId: string): void {
    this.#texts.delete(sessionId);
  }

  /**
   * The payload to store: values held by a message of the session replaced by
   * `null`, with the references to rebuild them; `refs` is empty when nothing was replaced.
   */
  dehydrate(sessionId: string, payload: unknown): { stored: unknown; refs: JournalRef[] } {
    const refs: JournalRef[] = [];
    const texts = this.#texts.get(sessionId);
    const walk = (value: unknown, path: Array<string | number>, depth: number): unknown => {
      if (typeof value === "string") {
        const key = value.length >= MIN_REF_CHARS ? texts?.get(value) : undefined;
        if (key === undefined) return value;
        refs.push([path, key, "content"]);
        return null;
      }
      if (value === null || typeof value !== "object" || depth > 6) return value;
      const message = this.#objects.get(value);
      if (message && message.sessionId === sessionId && path.length > 0) {
        refs.push([path, message.key]);
        return null;
      }
      if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i], depth + 1));
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v, [...path, k], depth + 1);
      return out;
    };
    const stored = walk(payload, [], 0);
    return refs.length === 0 ? { stored: payload, refs } : { stored, refs };
  }
}

/** Puts the referenced values back into a stored payload; `message(key)` reads a message (undefined when gone). */
export function hydrate(payload: unknown, refs: JournalRef[], message: (key: string) => unknown): unknown {
  for (const [path, key, field] of refs) {
    const m = message(key);
    if (m === undefined) continue;
    const value = field ? (m as Record<string, unknown> | null)?.[field] : m;
    let target = payload as Record<string | number, unknown> | null;
    for (const step of path.slice(0, -1)) {
      target = (target?.[step] ?? null) as Record<string | number, unknown> | null;
    }
    const last = path.at(-1);
    if (target && typeof target === "object" && last !== undefined) target[last] = value;
  }
  return payload;
}
