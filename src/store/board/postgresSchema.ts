/**
 * @internal
 * The PostgreSQL board's schema migrations (in the schema `codex_bridge`);
 * index i upgrades version i to i+1. Never edit a shipped entry. The tables
 * mirror the SQLite board's (sqlite.ts), with BIGINT times and serial keys.
 */
export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE tasks (
    n BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    priority INTEGER NOT NULL,
    cwd TEXT,
    result TEXT,
    artifacts TEXT NOT NULL,
    reason TEXT,
    lease_holder TEXT,
    lease_expires BIGINT,
    failures INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  );
  CREATE INDEX tasks_status ON tasks(status, priority DESC, n);
  CREATE TABLE deps (
    task_id TEXT NOT NULL REFERENCES tasks(id),
    depends_on TEXT NOT NULL REFERENCES tasks(id),
    pos INTEGER NOT NULL,
    PRIMARY KEY (task_id, depends_on)
  );
  CREATE INDEX deps_dependents ON deps(depends_on);
  CREATE TABLE comments (
    n BIGSERIAL PRIMARY KEY,
    task_id TEXT NOT NULL REFERENCES tasks(id),
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    at BIGINT NOT NULL
  );
  CREATE INDEX comments_task ON comments(task_id, n);
  CREATE TABLE attempts (
    task_id TEXT NOT NULL REFERENCES tasks(id),
    number INTEGER NOT NULL,
    session_id TEXT,
    holder TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at BIGINT,
    outcome TEXT NOT NULL,
    detail TEXT,
    PRIMARY KEY (task_id, number)
  );
  CREATE TABLE events (
    seq BIGSERIAL PRIMARY KEY,
    task_id TEXT NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    at BIGINT NOT NULL
  );
  CREATE INDEX events_task ON events(task_id, seq);
  CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'the event log is append-only'; END
  $$;
  CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
  `,
];
