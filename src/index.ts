/**
 * codex-bridge: the host side of OpenAI Codex. The public API is the named
 * exports below; anything not exported here is internal.
 */

export {
  bundledCodexPath,
  CODEX_BIN_ENV,
  type CodexBinary,
  type CodexBinarySource,
  clearCodexBinaryCache,
  compareVersions,
  MIN_CODEX_VERSION,
  PINNED_CODEX_VERSION,
  parseCodexVersion,
  type ResolveCodexOptions,
  resolveCodexBinary,
} from "./codex/binary.js";
export {
  APPROVAL_METHODS,
  type ApprovalDecision,
  type ApprovalKind,
  type ApprovalMethod,
  type ApprovalRequest,
  type CommandChoice,
  commandArgv,
  type FileChangeSummary,
  parseApprovalRequest,
  toWireResponse,
  type UserQuestion,
} from "./codex/approvalRequests.js";
export {
  ApprovalBroker,
  type ApprovalHandler,
  type ApprovalOptions,
  type ApprovalOutcome,
  type ApprovalPolicy,
  type ApprovalRule,
  DEFAULT_APPROVAL_TIMEOUT_MS,
  type DecidedBy,
} from "./codex/approvals.js";
export { CodexBridge, type CodexBridgeOptions } from "./codex/bridge.js";
export {
  CodexClient,
  type CodexClientOptions,
  type CodexNotification,
  type NotificationFilter,
  type OverloadRetryOptions,
} from "./codex/client.js";
export {
  type AccountStatus,
  type DoctorOptions,
  type DoctorReport,
  type McpServerCheck,
  runDoctor,
} from "./codex/diagnostics.js";
export type {
  SessionEvent,
  SessionEventBody,
  SessionEventType,
  TokenUsage,
  TurnError,
  TurnResult,
  TurnStatus,
} from "./codex/events.js";
export {
  DEFAULT_MAX_OUTPUT_CHARS,
  initialProjectorState,
  type Item,
  type Notification,
  project,
  type ProjectorOptions,
  type ProjectorState,
} from "./codex/projector.js";
export {
  type RunOptions,
  Session,
  type SessionInput,
  type SessionOptions,
  type StreamedTurn,
} from "./codex/session.js";
export type { ProjectedMessage, TranscriptMessage, TranscriptToolCall } from "./codex/transcript.js";
export {
  DEFAULT_QUIET_TIMEOUT_MS,
  DEFAULT_TURN_TIMEOUT_MS,
  type WatchdogExpiry,
  type WatchdogOptions,
} from "./codex/watchdog.js";
export { AppServerProcess, type AppServerProcessOptions, type ExitInfo } from "./codex/process.js";
export type {
  ClientMethod,
  ClientParams,
  ClientResults,
  InitializeResponse,
  NotificationParams,
  ServerNotification,
  ServerNotificationMethod,
  ServerRequest,
  ServerRequestMethod,
  ServerRequestParams,
  v2,
} from "./codex/protocol/index.js";
export { GENERATED_FROM_CODEX_VERSION } from "./codex/protocol/index.js";
export {
  BridgeError,
  type BridgeErrorCode,
  type BridgeErrorDetails,
  isBridgeError,
  JsonRpcError,
  RpcErrorCode,
} from "./errors.js";
export {
  type ConnectionOptions,
  type ConnectionState,
  type IncomingNotification,
  JsonRpcConnection,
  type RequestHandler,
  type RequestOptions,
  type ServerRequestContext,
} from "./jsonrpc/connection.js";
export { DEFAULT_MAX_LINE_BYTES, type LineReaderOptions, readJsonLines } from "./jsonrpc/lineReader.js";
export type { RequestId } from "./jsonrpc/messages.js";
export type { DynamicToolCaller, DynamicToolProvider, DynamicToolSpec } from "./codex/dynamicTools.js";
export {
  builtinTools,
  dynamicToolProvider,
  createToolHandlers,
  createToolServer,
  defineTool,
  serveStdio,
  type ToolContext,
  type ToolDefinition,
  ToolRegistry,
  type ToolServer,
  type ToolServerOptions,
} from "./mcp/index.js";
export { type MigrateOptions, type MigrateResult, migrate } from "./migration/apply.js";
export { type BlockState, managedBlockState } from "./migration/drift.js";
export {
  DEFAULT_PERMISSIONS,
  type MigrationReport,
  type PlanInput,
  planMigration,
  TOOL_SERVER_NAME,
} from "./migration/plan.js";
export { SOURCE_KINDS, type SourceKind } from "./migration/types.js";
export { bridgeConfigPath, bridgeHome, codexHome } from "./paths.js";
export {
  parseRuntimeSetting,
  RUNTIME_SETTINGS,
  type RuntimeSetting,
  readRuntimeSetting,
  writeRuntimeSetting,
} from "./runtime/setting.js";
export { defaultStorePath } from "./store/db.js";
export {
  type ApprovalRecord,
  BridgeStore,
  type JournalEntry,
  type MessageRecord,
  type SessionRecord,
  type SessionStatus,
  type TurnRecord,
} from "./store/store.js";
export { redactSecrets } from "./util/redact.js";
export { PACKAGE_VERSION } from "./version.js";
