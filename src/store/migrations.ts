/** Schema migrations, applied in order; index i upgrades schema version i to i+1. Never edit a shipped entry. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    thread_id TEXT,
    cwd TEXT NOT NULL,
    model TEXT,
    title TEXT,
    status TEXT NOT NULL DEFAULT 'idle',
    options_json TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX sessions_thread ON sessions(thread_id);
  CREATE INDEX sessions_updated ON sessions(updated_at);

  CREATE TABLE turns (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    turn_id TEXT,
    status TEXT NOT NULL,
    input_text TEXT NOT NULL,
    final_text TEXT,
    error_json TEXT,
    usage_json TEXT,
    started_at INTEGER NOT NULL,
    completed_at INTEGER,
    PRIMARY KEY (session_id, idx)
  );
  CREATE INDEX turns_turn ON turns(turn_id);

  CREATE TABLE messages (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    msg_key TEXT NOT NULL,
    turn_id TEXT,
    item_id TEXT,
    item_type TEXT,
    role TEXT NOT NULL,
    message_json TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, seq),
    UNIQUE (session_id, msg_key)
  );

  CREATE TABLE events (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    turn_id TEXT,
    type TEXT NOT NULL,
    payload_json TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, seq)
  );

  CREATE TABLE approvals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT,
    thread_id TEXT,
    turn_id TEXT,
    item_id TEXT,
    kind TEXT NOT NULL,
    method TEXT NOT NULL,
    summary TEXT NOT NULL,
    request_json TEXT NOT NULL,
    decision TEXT NOT NULL,
    response_json TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    reason TEXT,
    requested_at INTEGER NOT NULL,
    decided_at INTEGER NOT NULL
  );
  CREATE INDEX approvals_session ON approvals(session_id);
  `,
];
