/**
 * `codex-bridge/store`: the embedded SQLite store a `CodexBridge` writes
 * (sessions, turns, transcripts, the event journal, the approvals audit), for
 * hosts that open it themselves — to pass one store to several bridges, or to
 * read sessions and replay the journal.
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
