/**
 * Full-text search over stored transcripts, and the memory store shared by
 * all sessions (FTS5 over the same SQLite file).
 */
import { BridgeError } from "../errors.js";
import type { SqliteDatabase } from "./db.js";
import { guarded } from "./storeErrors.js";

export interface MessageHit {
  sessionId: string;
  seq: number;
  role: string;
  turnId: string | null;
  /** The matched text with the hits in [brackets], shortened around them. */
  snippet: string;
  createdAt: number;
}

export interface Memory {
  key: string;
  content: string;
  tags: string[];
  /** The session that last wrote it, when known. */
  sessionId: string | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * Turns free text into an FTS5 query that matches documents containing every
 * word (as prefixes), so operators and quotes in the text cannot break it.
 */
export function ftsQuery(text: string): string {
  const words = text.match(/[\p{L}\p{N}_]+/gu) ?? [];
  if (words.length === 0)
    throw new BridgeError("INVALID_OPTION", "the search query has no words to search for");
  return words.map((w) => `"${w}"*`).join(" ");
}

/** @internal Full-text search over transcripts (the session_search tool). */
export function searchMessages(
  db: SqliteDatabase,
  query: string,
  options: { limit?: number; sessionId?: string } = {},
): MessageHit[] {
  const rows = db
    .prepare(
      `SELECT f.session_id, f.seq, m.role, m.turn_id, m.created_at,
              snippet(messages_fts, 0, '[', ']', '…', 16) AS snippet
       FROM messages_fts f JOIN messages m ON m.session_id = f.session_id AND m.seq = f.seq
       WHERE messages_fts MATCH @q AND (@sid IS NULL OR f.session_id = @sid)
       ORDER BY bm25(messages_fts), m.created_at DESC
       LIMIT @limit`,
    )
    .all({ q: ftsQuery(query), sid: options.sessionId ?? null, limit: options.limit ?? 10 }) as Array<
    Record<string, unknown>
  >;
  return rows.map((r) => ({
    sessionId: String(r.session_id),
    seq: Number(r.seq),
    role: String(r.role),
    turnId: (r.turn_id as string | null) ?? null,
    snippet: String(r.snippet),
    createdAt: Number(r.created_at),
  }));
}

/** @internal Creates or replaces the memory under `key`; returns whether it was new. */
export function writeMemory(
  db: SqliteDatabase,
  memory: { key: string; content: string; tags?: string[]; sessionId?: string | null },
  now = Date.now(),
): { created: boolean } {
  // One transaction (the check and the write agree), named errors (STORE_FAILED / LOCKED with the file).
  return guarded("writing a memory", db.name, () => db.transaction(() => upsertMemory(db, memory, now))());
}

function upsertMemory(
  db: SqliteDatabase,
  memory: { key: string; content: string; tags?: string[]; sessionId?: string | null },
  now: number,
): { created: boolean } {
  const existed = db.prepare(`SELECT 1 FROM memories WHERE key = ?`).get(memory.key) !== undefined;
  db.prepare(
    `INSERT INTO memories (key, content, tags_json, session_id, created_at, updated_at)
     VALUES (@key, @content, @tags, @sid, @now, @now)
     ON CONFLICT (key) DO UPDATE SET content = excluded.content, tags_json = excluded.tags_json,
       session_id = excluded.session_id, updated_at = excluded.updated_at`,
  ).run({
    key: memory.key,
    content: memory.content,
    tags: JSON.stringify(memory.tags ?? []),
    sid: memory.sessionId ?? null,
    now,
  });
  return { created: !existed };
}

/** @internal */
export function readMemory(db: SqliteDatabase, key: string): Memory | undefined {
  const row = db.prepare(`SELECT * FROM memories WHERE key = ?`).get(key) as
    Record<string, unknown> | undefined;
  return row ? toMemory(row) : undefined;
}

/** @internal */
export function searchMemories(
  db: SqliteDatabase,
  query: string,
  options: { limit?: number } = {},
): Memory[] {
  const rows = db
    .prepare(
      `SELECT m.* FROM memories_fts f JOIN memories m ON m.id = f.rowid
       WHERE memories_fts MATCH @q ORDER BY bm25(memories_fts), m.updated_at DESC LIMIT @limit`,
    )
    .all({ q: ftsQuery(query), limit: options.limit ?? 10 }) as Array<Record<string, unknown>>;
  return rows.map(toMemory);
}

function toMemory(r: Record<string, unknown>): Memory {
  return {
    key: String(r.key),
    content: String(r.content),
    tags: JSON.parse(String(r.tags_json)) as string[],
    sessionId: (r.session_id as string | null) ?? null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
