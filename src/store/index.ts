/**
 * `codex-bridge/store`: the embedded SQLite store a `CodexBridge` writes
 * (sessions, turns, transcripts, the event journal, the approvals audit), for
 * hosts that open it themselves — to pass one store to several bridges, or to
 * read sessions and replay the journal. Also the kanban board: `openBoard`
 * (SQLite by default, PostgreSQL for a `postgres://` URL; see docs/kanban.md).
 */
export { defaultStorePath } from "./db.js";
export {
  type ApprovalRecord,
  BridgeStore,
  type JournalEntry,
  type MessageRecord,
  type SessionRecord,
  type SessionStatus,
  type TurnRecord,
} from "./store.js";
export { redactSecrets } from "../util/redact.js";
export { BOARD_ENV, type OpenBoardOptions, openBoard, parseBoardUrl } from "./board/open.js";
export { defaultBoardPath, openSqliteBoard, type SqliteBoardOptions } from "./board/sqlite.js";
export {
  type AttemptOutcome,
  type Board,
  type ClaimOptions,
  type CreateTaskInput,
  type Finish,
  type ListTasksOptions,
  TASK_STATUSES,
  type Task,
  type TaskAttempt,
  type TaskComment,
  type TaskEvent,
  type TaskLease,
  type TaskStatus,
} from "./board/types.js";
