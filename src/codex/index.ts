/**
 * `codex-bridge/codex`: the low-level layer under `CodexBridge`, for hosts
 * that talk to `codex app-server` themselves — finding and spawning the
 * binary, the JSON-RPC client and connection, the protocol types generated
 * from the pinned codex, the projector that turns items into transcript
 * messages, the approval wire mapping, doctor, and where files live.
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
} from "./binary.js";
export { AppServerProcess, type AppServerProcessOptions, type ExitInfo } from "./process.js";
export {
  CodexClient,
  type CodexClientOptions,
  type CodexNotification,
  type NotificationFilter,
  type OverloadRetryOptions,
} from "./client.js";
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
} from "./protocol/index.js";
export { GENERATED_FROM_CODEX_VERSION } from "./protocol/index.js";
export { APPROVAL_METHODS, commandArgv, parseApprovalRequest, toWireResponse } from "./approvalRequests.js";
export { ApprovalBroker, DEFAULT_APPROVAL_TIMEOUT_MS } from "./approvals.js";
export {
  DEFAULT_MAX_OUTPUT_CHARS,
  initialProjectorState,
  type Item,
  type Notification,
  project,
  type ProjectorOptions,
  type ProjectorState,
} from "./projector.js";
export { DEFAULT_QUIET_TIMEOUT_MS, DEFAULT_TURN_TIMEOUT_MS } from "./watchdog.js";
export {
  type AccountStatus,
  type DoctorOptions,
  type DoctorReport,
  type McpServerCheck,
  runDoctor,
} from "./diagnostics.js";
export {
  type ConnectionOptions,
  type ConnectionState,
  type IncomingNotification,
  JsonRpcConnection,
  type RequestHandler,
  type RequestOptions,
  type ServerRequestContext,
} from "../jsonrpc/connection.js";
export { DEFAULT_MAX_LINE_BYTES, type LineReaderOptions, readJsonLines } from "../jsonrpc/lineReader.js";
export type { RequestId } from "../jsonrpc/messages.js";
export { BridgeError, type BridgeErrorCode, isBridgeError, JsonRpcError, RpcErrorCode } from "../errors.js";
export { bridgeConfigPath, bridgeHome, codexHome } from "../paths.js";
export { PACKAGE_VERSION } from "../version.js";
