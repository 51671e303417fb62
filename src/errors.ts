/**
 * Errors raised by codex-bridge. `BridgeError` carries a stable string `code`
 * a host can switch on; `JsonRpcError` carries the numeric code a JSON-RPC
 * peer sent (or that we send back on the wire).
 */

/** Stable codes of {@link BridgeError}. New codes may be added; existing ones keep their meaning. */
export type BridgeErrorCode =
  | "CONNECTION_CLOSED"
  | "PROCESS_EXITED"
  | "REQUEST_TIMEOUT"
  | "ABORTED"
  | "NOT_INITIALIZED"
  | "ALREADY_INITIALIZED"
  | "SERVER_OVERLOADED"
  | "PROTOCOL_ERROR"
  | "CODEX_NOT_FOUND"
  | "CODEX_TOO_OLD"
  | "SPAWN_FAILED"
  | "INVALID_OPTION"
  | "INVALID_STATE"
  | "UNSUPPORTED"
  /** No such session, thread or task (an unknown id or a prefix that matches nothing). */
  | "NOT_FOUND"
  /** An id prefix that matches more than one record. */
  | "AMBIGUOUS"
  /** codex is not logged in (or its login expired): run `npx codex login`. */
  | "AUTH_REQUIRED"
  /** A config file (config.toml, the bridge's config) is unreadable or invalid. */
  | "CONFIG_INVALID"
  /** Another process holds a lock this operation needs (the migration lock, the store's write lock). */
  | "LOCKED"
  /** The store could not read or write (full disk, permissions, a corrupt file); names the file. */
  | "STORE_FAILED"
  /** A kanban holder no longer holds the task's lease (never did, or it expired and another took it). */
  | "LEASE_LOST"
  /** A kanban dependency that names a missing task or would make a cycle. */
  | "INVALID_DEPENDENCY"
  /** The kanban board's backend failed (disk, connection, a schema it does not know). */
  | "BOARD_FAILED";

/** Extra structured facts attached to a {@link BridgeError}. */
export interface BridgeErrorDetails {
  [key: string]: unknown;
}

/** An error of codex-bridge itself: a stable `code`, an actionable one-line message, and the cause. */
export class BridgeError extends Error {
  override readonly name = "BridgeError";
  readonly code: BridgeErrorCode;
  readonly details: BridgeErrorDetails;

  constructor(
    code: BridgeErrorCode,
    message: string,
    options: { cause?: unknown; details?: BridgeErrorDetails } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** Wire error codes used by JSON-RPC 2.0 and by codex app-server. */
export const RpcErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** codex app-server: "Server overloaded; retry later". */
  ServerOverloaded: -32001,
} as const;

/** An error response received from (or to be sent to) a JSON-RPC peer. */
export class JsonRpcError extends Error {
  override readonly name = "JsonRpcError";
  readonly code: number;
  readonly data: unknown;
  /** The method of the request this error answered, when known. */
  readonly method: string | undefined;
  /** The peer's message, without the method and code this error's `message` adds. */
  readonly rpcMessage: string;

  constructor(
    code: number,
    message: string,
    options: { data?: unknown; method?: string; cause?: unknown } = {},
  ) {
    super(
      options.method ? `${options.method}: ${message} (code ${code})` : `${message} (code ${code})`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.data = options.data;
    this.method = options.method;
    this.rpcMessage = message;
  }
}

/** True when `err` is a {@link BridgeError}, optionally with the given code. */
export function isBridgeError(err: unknown, code?: BridgeErrorCode): err is BridgeError {
  return err instanceof BridgeError && (code === undefined || err.code === code);
}
