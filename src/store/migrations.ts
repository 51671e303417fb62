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
  // 2: full-text search over transcripts, and the shared memory store.
  `
  CREATE VIRTUAL TABLE messages_fts USING fts5(content, session_id UNINDEXED, seq UNINDEXED, tokenize = 'unicode61');
  INSERT INTO messages_fts (content, session_id, seq)
    SELECT trim(coalesce(json_extract(message_json, '$.content'), '') || ' ' ||
                coalesce(json_extract(message_json, '$.tool_calls[0].function.name'), '') || ' ' ||
                coalesce(json_extract(message_json, '$.tool_calls[0].function.arguments'), '')),
           session_id, seq
    FROM messages;
  CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (content, session_id, seq) VALUES (
      trim(coalesce(json_extract(new.message_json, '$.content'), '') || ' ' ||
           coalesce(json_extract(new.message_json, '$.tool_calls[0].function.name'), '') || ' ' ||
           coalesce(json_extract(new.message_json, '$.tool_calls[0].function.arguments'), '')),
      new.session_id, new.seq);
  END;
  CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    DELETE FROM messages_fts WHERE session_id = old.session_id AND seq = old.seq;
  END;

  CREATE TABLE memories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    content TEXT NOT NULL,
    tags_json TEXT NOT NULL DEFAULT '[]',
    session_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE VIRTUAL TABLE memories_fts USING fts5(key, content, tags, content = 'memories', content_rowid = 'id');
  CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
    INSERT INTO memories_fts (rowid, key, content, tags) VALUES (new.id, new.key, new.content, new.tags_json);
  END;
  CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
    INSERT INTO memories_fts (memories_fts, rowid, key, content, tags) VALUES ('delete', old.id, old.key, old.content, old.tags_json);
  END;
  CREATE TRIGGER memories_fts_update AFTER UPDATE ON memories BEGIN
    INSERT INTO memories_fts (memories_fts, rowid, key, content, tags) VALUES ('delete', old.id, old.key, old.content, old.tags_json);
    INSERT INTO memories_fts (rowid, key, content, tags) VALUES (new.id, new.key, new.content, new.tags_json);
  END;
  `,
  // 3: who runs a turn (so an opener can interrupt the turns of a dead process), journal retention.
  `
  ALTER TABLE turns ADD COLUMN owner_json TEXT;
  CREATE INDEX turns_running ON turns(session_id) WHERE status = 'running';
  CREATE INDEX events_created ON events(created_at);
  `,
  // 4: the lean journal: completed events reference the transcript messages they repeat
  // ([path, message key, field?] per value, rebuilt on read) instead of storing them again.
  `
  ALTER TABLE events ADD COLUMN refs_json TEXT;
  `,
];
