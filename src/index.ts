/**
 * codex-bridge: the host side of OpenAI Codex. This entry is what a host
 * needs to embed codex: the bridge and its sessions, their options, events and
 * results, approvals, errors, `migrate`, and the runtime setting. Lower-level
 * and specialised pieces live on subpaths:
 *
 * - `codex-bridge/client`: `RemoteRuntime`, the client of a gateway
 *   (`codex-bridge serve`) over WebSocket or stdio, in Node and browsers.
 * - `codex-bridge/codex`: the codex binary, process, JSON-RPC client and
 *   generated protocol types, the projector, approval wire mapping, doctor.
 * - `codex-bridge/store`: the SQLite store (`BridgeStore`) and its records.
 * - `codex-bridge/migration`: the migration planner and managed-block tools.
 * - `codex-bridge/tools`: `defineTool`, the tool registry and MCP tool server.
 * - `codex-bridge/gateway`: the gateway server (JSON-RPC over WebSocket or stdio).
 * - `codex-bridge/testing`: the scripted model and a throwaway CODEX_HOME.
 *
 * Anything not exported by an entry is internal.
 */

export { CodexBridge, type CodexBridgeOptions } from "./codex/bridge.js";
export {
  type RunOptions,
  Session,
  type SessionInput,
  type SessionOptions,
  type StreamedTurn,
} from "./codex/session.js";
export type {
  RawNotification,
  SessionEvent,
  SessionEventBody,
  SessionEventType,
  TokenUsage,
  TurnError,
  TurnErrorCode,
  TurnResult,
  TurnStatus,
} from "./codex/events.js";
export type { AccountState } from "./codex/account.js";
export type { Item, ProjectorOptions } from "./codex/projector.js";
export type { ProjectedMessage, TranscriptMessage, TranscriptToolCall } from "./codex/transcript.js";
export type {
  ApprovalDecision,
  ApprovalKind,
  ApprovalMethod,
  ApprovalRequest,
  CommandChoice,
  FileChangeSummary,
  UserQuestion,
} from "./codex/approvalRequests.js";
export type {
  ApprovalHandler,
  ApprovalOptions,
  ApprovalOutcome,
  ApprovalPolicy,
  ApprovalRule,
  DecidedBy,
} from "./codex/approvals.js";
export type { WatchdogExpiry, WatchdogOptions } from "./codex/watchdog.js";
export type { DynamicToolCaller, DynamicToolProvider, DynamicToolSpec } from "./codex/dynamicTools.js";
export type { BridgeStore } from "./store/store.js";
export {
  Dispatcher,
  type DispatcherEvent,
  type DispatcherOptions,
  type DispatchSummary,
} from "./kanban/dispatcher.js";
export type { AttemptReport } from "./kanban/worker.js";
export {
  BridgeError,
  type BridgeErrorCode,
  type BridgeErrorDetails,
  isBridgeError,
  JsonRpcError,
} from "./errors.js";
export { type MigrateOptions, type MigrateResult, migrate } from "./migration/apply.js";
export type { MigrationReport } from "./migration/plan.js";
export type { SourceKind } from "./migration/types.js";
export {
  parseRuntimeSetting,
  RUNTIME_SETTINGS,
  type RuntimeSetting,
  readRuntimeSetting,
  writeRuntimeSetting,
} from "./runtime/setting.js";
export { LocalRuntime, type LocalRuntimeOptions } from "./runtime/local.js";
export type {
  PendingApproval,
  Runtime,
  RuntimeCapabilities,
  RuntimeEvent,
  SessionDetail,
  SessionSummary,
  StartedTurn,
  StartSessionParams,
  StartTurnParams,
  SubscribeParams,
  Subscription,
} from "./runtime/runtime.js";
