/**
 * Typed access to the store: sessions and turns, transcript messages, the
 * append-only event journal (a per-session sequence the gateway replays
 * from), and the approvals audit. Every write is one statement or one
 * transaction, made as the event arrives.
 */
import { resolve } from "node:path";
import { BridgeError } from "../errors.js";
import { openDatabase, type SqliteDatabase } from "./db.js";

export type SessionStatus = "idle" | "running" | "failed" | "closed";
export type TurnStatus = "running" | "completed" | "failed" | "interrupted";

export interface SessionRecord {
  id: string;
  threadId: string | null;
  cwd: string;
  model: string | null;
  title: string | null;
  status: SessionStatus;
  options: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export interface TurnRecord {
  sessionId: string;
  idx: number;
  turnId: string | null;
  status: TurnStatus;
  inputText: string;
  finalText: string | null;
  error: unknown;
  usage: unknown;
  startedAt: number;
  completedAt: number | null;
}

export interface MessageRecord<M = unknown> {
  sessionId: string;
  seq: number;
  key: string;
  turnId: string | null;
  itemId: string | null;
  itemType: string | null;
  role: string;
  message: M;
  createdAt: number;
}

export interface JournalEntry {
  sessionId: string;
  seq: number;
  turnId: string | null;
  type: string;
  payload: unknown;
  createdAt: number;
}

export interface ApprovalRecord {
  id?: number;
  sessionId: string | null;
  threadId: string | null;
  turnId: string | null;
  itemId: string | null;
  kind: string;
  method: string;
  summary: string;
  request: unknown;
  decision: string;
  response: unknown;
  decidedBy: string;
  reason: string | null;
  requestedAt: number;
  decidedAt: number;
}

type Row = Record<string, unknown>;
const json = (v: unknown) => JSON.stringify(v ?? null);
const parse = (v: unknown): unknown => (typeof v === "string" ? JSON.parse(v) : null);

export class BridgeStore {
  /** @internal The open database, for the store's own modules and the built-in tools; not public API. */
  readonly db: SqliteDatabase;
  readonly path: string;
  readonly #stmts;

  private constructor(db: SqliteDatabase, path: string) {
    this.db = db;
    this.path = path;
    this.#stmts = {
      insertSession: db.prepare(
        `INSERT INTO sessions (id, thread_id, cwd, model, title, status, options_json, created_at, updated_at)
         VALUES (@id, @threadId, @cwd, @model, @title, @status, @options, @createdAt, @updatedAt)`,
      ),
      updateSession: db.prepare(
        `UPDATE sessions SET thread_id = COALESCE(@threadId, thread_id), status = COALESCE(@status, status),
         title = COALESCE(title, @title), model = COALESCE(@model, model), updated_at = @now WHERE id = @id`,
      ),
      getSession: db.prepare(`SELECT * FROM sessions WHERE id = ?`),
      getSessionByThread: db.prepare(
        `SELECT * FROM sessions WHERE thread_id = ? ORDER BY created_at LIMIT 1`,
      ),
      listSessions: db.prepare(`SELECT * FROM sessions ORDER BY updated_at DESC, created_at DESC LIMIT ?`),
      insertTurn: db.prepare(
        `INSERT INTO turns (session_id, idx, turn_id, status, input_text, started_at)
         VALUES (@sessionId, (SELECT COALESCE(MAX(idx), 0) + 1 FROM turns WHERE session_id = @sessionId), NULL, 'running', @inputText, @now)
         RETURNING idx`,
      ),
      setTurnId: db.prepare(
        `UPDATE turns SET turn_id = @turnId WHERE session_id = @sessionId AND idx = @idx`,
      ),
      finishTurn: db.prepare(
        `UPDATE turns SET status = @status, final_text = @finalText, error_json = @error, usage_json = @usage,
         completed_at = @now, turn_id = COALESCE(@turnId, turn_id) WHERE session_id = @sessionId AND idx = @idx`,
      ),
      listTurns: db.prepare(`SELECT * FROM turns WHERE session_id = ? ORDER BY idx`),
      insertMessage: db.prepare(
        `INSERT OR IGNORE INTO messages (session_id, seq, msg_key, turn_id, item_id, item_type, role, message_json, created_at)
         VALUES (@sessionId, (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE session_id = @sessionId),
                 @key, @turnId, @itemId, @itemType, @role, @message, @now)`,
      ),
      listMessages: db.prepare(
        `SELECT * FROM messages WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
      ),
      appendEvent: db.prepare(
        `INSERT INTO events (session_id, seq, turn_id, type, payload_json, created_at)
         VALUES (@sessionId, (SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE session_id = @sessionId),
                 @turnId, @type, @payload, @now)
         RETURNING seq`,
      ),
      readEvents: db.prepare(`SELECT * FROM events WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?`),
      insertApproval: db.prepare(
        `INSERT INTO approvals (session_id, thread_id, turn_id, item_id, kind, method, summary, request_json, decision,
           response_json, decided_by, reason, requested_at, decided_at)
         VALUES (@sessionId, @threadId, @turnId, @itemId, @kind, @method, @summary, @request, @decision, @response,
           @decidedBy, @reason, @requestedAt, @decidedAt)`,
      ),
      listApprovals: db.prepare(`SELECT * FROM approvals WHERE session_id = ? ORDER BY id`),
    };
  }

  /** Opens the store at `path` (see {@link openDatabase}). */
  static open(path: string): BridgeStore {
    return new BridgeStore(openDatabase(path), path === ":memory:" ? path : resolve(path));
  }

  createSession(record: Omit<SessionRecord, "createdAt" | "updatedAt">, now = Date.now()): SessionRecord {
    const full = { ...record, createdAt: now, updatedAt: now };
    this.#stmts.insertSession.run({ ...full, options: json(record.options) });
    return full;
  }

  updateSession(
    id: string,
    changes: { threadId?: string; status?: SessionStatus; title?: string; model?: string },
    now = Date.now(),
  ): void {
    this.#stmts.updateSession.run({
      id,
      threadId: changes.threadId ?? null,
      status: changes.status ?? null,
      title: changes.title ?? null,
      model: changes.model ?? null,
      now,
    });
  }

  getSession(id: string): SessionRecord | undefined {
    const row = this.#stmts.getSession.get(id) as Row | undefined;
    return row ? toSession(row) : undefined;
  }

  findSessionByThread(threadId: string): SessionRecord | undefined {
    const row = this.#stmts.getSessionByThread.get(threadId) as Row | undefined;
    return row ? toSession(row) : undefined;
  }

  listSessions(limit = 100): SessionRecord[] {
    return (this.#stmts.listSessions.all(limit) as Row[]).map(toSession);
  }

  /** Records a new turn; returns its 1-based index in the session. */
  startTurn(sessionId: string, inputText: string, now = Date.now()): number {
    const row = this.#stmts.insertTurn.get({ sessionId, inputText, now }) as { idx: number };
    return row.idx;
  }

  setTurnId(sessionId: string, idx: number, turnId: string): void {
    this.#stmts.setTurnId.run({ sessionId, idx, turnId });
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
    this.#stmts.finishTurn.run({
      sessionId,
      idx,
      status: result.status,
      turnId: result.turnId ?? null,
      finalText: result.finalText,
      error: result.error === undefined ? null : json(result.error),
      usage: result.usage === undefined ? null : json(result.usage),
      now,
    });
  }

  listTurns(sessionId: string): TurnRecord[] {
    return (this.#stmts.listTurns.all(sessionId) as Row[]).map((r) => ({
      sessionId: String(r.session_id),
      idx: Number(r.idx),
      turnId: (r.turn_id as string | null) ?? null,
      status: r.status as TurnStatus,
      inputText: String(r.input_text),
      finalText: (r.final_text as string | null) ?? null,
      error: parse(r.error_json),
      usage: parse(r.usage_json),
      startedAt: Number(r.started_at),
      completedAt: r.completed_at === null ? null : Number(r.completed_at),
    }));
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
    const info = this.#stmts.insertMessage.run({ sessionId, ...m, message: json(m.message), now });
    return info.changes > 0;
  }

  listMessages<M = unknown>(
    sessionId: string,
    options: { after?: number; limit?: number } = {},
  ): MessageRecord<M>[] {
    return (this.#stmts.listMessages.all(sessionId, options.after ?? 0, options.limit ?? -1) as Row[]).map(
      (r) => ({
        sessionId: String(r.session_id),
        seq: Number(r.seq),
        key: String(r.msg_key),
        turnId: (r.turn_id as string | null) ?? null,
        itemId: (r.item_id as string | null) ?? null,
        itemType: (r.item_type as string | null) ?? null,
        role: String(r.role),
        message: parse(r.message_json) as M,
        createdAt: Number(r.created_at),
      }),
    );
  }

  /** Appends to the session's journal; returns the entry's sequence number (1, 2, 3 … per session). */
  appendEvent(
    sessionId: string,
    turnId: string | null,
    type: string,
    payload: unknown,
    now = Date.now(),
  ): number {
    const row = this.#stmts.appendEvent.get({ sessionId, turnId, type, payload: json(payload), now }) as {
      seq: number;
    };
    return row.seq;
  }

  /** Journal entries after `after` (exclusive), oldest first. */
  readEvents(sessionId: string, options: { after?: number; limit?: number } = {}): JournalEntry[] {
    return (this.#stmts.readEvents.all(sessionId, options.after ?? 0, options.limit ?? -1) as Row[]).map(
      (r) => ({
        sessionId: String(r.session_id),
        seq: Number(r.seq),
        turnId: (r.turn_id as string | null) ?? null,
        type: String(r.type),
        payload: parse(r.payload_json),
        createdAt: Number(r.created_at),
      }),
    );
  }

  recordApproval(record: ApprovalRecord): void {
    this.#stmts.insertApproval.run({
      ...record,
      request: json(record.request),
      response: json(record.response),
    });
  }

  listApprovals(sessionId: string): ApprovalRecord[] {
    return (this.#stmts.listApprovals.all(sessionId) as Row[]).map((r) => ({
      id: Number(r.id),
      sessionId: (r.session_id as string | null) ?? null,
      threadId: (r.thread_id as string | null) ?? null,
      turnId: (r.turn_id as string | null) ?? null,
      itemId: (r.item_id as string | null) ?? null,
      kind: String(r.kind),
      method: String(r.method),
      summary: String(r.summary),
      request: parse(r.request_json),
      decision: String(r.decision),
      response: parse(r.response_json),
      decidedBy: String(r.decided_by),
      reason: (r.reason as string | null) ?? null,
      requestedAt: Number(r.requested_at),
      decidedAt: Number(r.decided_at),
    }));
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
    const exact = this.getSession(ref) ?? this.findSessionByThread(ref);
    if (exact) return exact.id;
    const escaped = ref.replace(/[\\%_]/g, (c) => `\\${c}`);
    const rows = (
      ref === ""
        ? []
        : this.db
            .prepare(`SELECT id FROM sessions WHERE id LIKE ? ESCAPE '\\' ORDER BY updated_at DESC LIMIT 6`)
            .all(`${escaped}%`)
    ) as Row[];
    if (rows.length === 1) return String(rows[0]?.id);
    if (rows.length === 0) {
      throw new BridgeError(
        "NOT_FOUND",
        `no session ${ref} in ${this.path} (see \`codex-bridge sessions list\`)`,
      );
    }
    const ids = rows.slice(0, 5).map((r) => String(r.id));
    throw new BridgeError(
      "AMBIGUOUS",
      `${ref} matches several sessions (${ids.join(", ")}${rows.length > 5 ? ", …" : ""}): give more of the id`,
      { details: { candidates: ids } },
    );
  }

  /** The most recently updated session, or undefined when there is none. */
  latestSession(): SessionRecord | undefined {
    return this.listSessions(1)[0];
  }

  /** Deletes a session with its turns, transcript and journal (the approvals audit is kept). False when absent. */
  deleteSession(id: string): boolean {
    return this.db.transaction(() => {
      for (const table of ["messages", "events", "turns"]) {
        this.db.prepare(`DELETE FROM ${table} WHERE session_id = ?`).run(id);
      }
      return this.db.prepare(`DELETE FROM sessions WHERE id = ?`).run(id).changes > 0;
    })();
  }
}

function toSession(r: Row): SessionRecord {
  return {
    id: String(r.id),
    threadId: (r.thread_id as string | null) ?? null,
    cwd: String(r.cwd),
    model: (r.model as string | null) ?? null,
    title: (r.title as string | null) ?? null,
    status: r.status as SessionStatus,
    options: (parse(r.options_json) as Record<string, unknown>) ?? {},
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
