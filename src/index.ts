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
  CodexClient,
  type CodexClientOptions,
  type CodexNotification,
  type NotificationFilter,
  type OverloadRetryOptions,
} from "./codex/client.js";
export { type AccountStatus, type DoctorOptions, type DoctorReport, runDoctor } from "./codex/diagnostics.js";
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
export { redactSecrets } from "./util/redact.js";
export { PACKAGE_VERSION } from "./version.js";
