/** The store's SQL, prepared once per connection. */
import type Database from "better-sqlite3";
import type { SqliteDatabase } from "./db.js";

const SQL = {
  insertSession: `INSERT INTO sessions (id, thread_id, cwd, model, title, status, options_json, created_at, updated_at)
       VALUES (@id, @threadId, @cwd, @model, @title, @status, @options, @createdAt, @updatedAt)`,
  // A session another of whose turns still runs stays "running" when one turn ends.
  updateSession: `UPDATE sessions SET thread_id = COALESCE(@threadId, thread_id),
         status = CASE WHEN @status IN ('idle', 'failed')
                        AND EXISTS (SELECT 1 FROM turns WHERE session_id = @id AND status = 'running')
                       THEN 'running' ELSE COALESCE(@status, status) END,
         title = COALESCE(title, @title), model = COALESCE(@model, model), updated_at = @now WHERE id = @id`,
  // After its running turns were interrupted: idle unless another still runs.
  settleSession: `UPDATE sessions SET status = 'idle', updated_at = @now WHERE id = @id AND status = 'running'
         AND NOT EXISTS (SELECT 1 FROM turns WHERE session_id = @id AND status = 'running')`,
  getSession: `SELECT * FROM sessions WHERE id = ?`,
  getSessionByThread: `SELECT * FROM sessions WHERE thread_id = ? ORDER BY created_at LIMIT 1`,
  listSessions: `SELECT * FROM sessions ORDER BY updated_at DESC, created_at DESC LIMIT ?`,
  latestOwnSession: `SELECT * FROM sessions WHERE json_extract(options_json, '$.taskId') IS NULL
       ORDER BY updated_at DESC, created_at DESC LIMIT 1`,
  insertTurn: `INSERT INTO turns (session_id, idx, turn_id, status, input_text, started_at, owner_json)
       VALUES (@sessionId, (SELECT COALESCE(MAX(idx), 0) + 1 FROM turns WHERE session_id = @sessionId), NULL,
               'running', @inputText, @now, @owner)
       RETURNING idx`,
  setTurnId: `UPDATE turns SET turn_id = @turnId WHERE session_id = @sessionId AND idx = @idx`,
  finishTurn: `UPDATE turns SET status = @status, final_text = @finalText, error_json = @error, usage_json = @usage,
       completed_at = @now, turn_id = COALESCE(@turnId, turn_id) WHERE session_id = @sessionId AND idx = @idx`,
  listTurns: `SELECT * FROM turns WHERE session_id = ? ORDER BY idx`,
  lastTurnStatus: `SELECT status FROM turns WHERE session_id = ? ORDER BY idx DESC LIMIT 1`,
  runningTurns: `SELECT t.session_id, t.idx, t.turn_id, t.owner_json, s.thread_id FROM turns t
       JOIN sessions s ON s.id = t.session_id WHERE t.status = 'running'`,
  runningTurnsOf: `SELECT t.session_id, t.idx, t.turn_id, t.owner_json, s.thread_id FROM turns t
       JOIN sessions s ON s.id = t.session_id WHERE t.session_id = ? AND t.status = 'running'`,
  interruptTurn: `UPDATE turns SET status = 'interrupted', error_json = @error, completed_at = @now
       WHERE session_id = @sessionId AND idx = @idx AND status = 'running'`,
  insertMessage: `INSERT OR IGNORE INTO messages (session_id, seq, msg_key, turn_id, item_id, item_type, role, message_json, created_at)
       VALUES (@sessionId, (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE session_id = @sessionId),
               @key, @turnId, @itemId, @itemType, @role, @message, @now)`,
  listMessages: `SELECT * FROM messages WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
  appendEvent: `INSERT INTO events (session_id, seq, turn_id, type, payload_json, refs_json, created_at)
       VALUES (@sessionId, (SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE session_id = @sessionId),
               @turnId, @type, @payload, @refs, @now)
       RETURNING seq`,
  messageJson: `SELECT message_json FROM messages WHERE session_id = ? AND msg_key = ?`,
  readEvents: `SELECT * FROM events WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
  anyEventBefore: `SELECT 1 FROM events WHERE created_at < @before LIMIT 1`,
  // Each session's newest entry stays, so MAX(seq) + 1 never hands out a number twice.
  pruneEvents: `DELETE FROM events WHERE rowid IN (
         SELECT e.rowid FROM events e WHERE e.created_at < @before
           AND e.seq < (SELECT MAX(m.seq) FROM events m WHERE m.session_id = e.session_id)
         LIMIT 5000)`,
  insertApproval: `INSERT INTO approvals (session_id, thread_id, turn_id, item_id, kind, method, summary, request_json, decision,
         response_json, decided_by, reason, requested_at, decided_at)
       VALUES (@sessionId, @threadId, @turnId, @itemId, @kind, @method, @summary, @request, @decision, @response,
         @decidedBy, @reason, @requestedAt, @decidedAt)`,
  listApprovals: `SELECT * FROM approvals WHERE session_id = ? ORDER BY id`,
} as const;

type Statement = Database.Statement<unknown[]>;

/** @internal The prepared statements, by name. */
export type Statements = { [K in keyof typeof SQL]: Statement };

/** @internal Every statement of the store, prepared on `db`. */
export function statements(db: SqliteDatabase): Statements {
  return Object.fromEntries(Object.entries(SQL).map(([k, sql]) => [k, db.prepare(sql)])) as Statements;
}
