/**
 * A gateway's error answers, mapped back to the errors a local runtime
 * throws: a bridge error keeps its string code, an unsupported control
 * becomes UNSUPPORTED naming the control, JSON-RPC's own codes become a
 * BridgeError that says what the gateway refused. Browser-safe.
 */
import { type BridgeErrorCode, BridgeError, JsonRpcError, RpcErrorCode } from "../errors.js";
import type { ErrorObject } from "../jsonrpc/messages.js";
import { GATEWAY_ERRORS } from "./wire.js";

const KNOWN_CODES = new Set<string>([
  "CONNECTION_CLOSED",
  "PROCESS_EXITED",
  "REQUEST_TIMEOUT",
  "ABORTED",
  "NOT_INITIALIZED",
  "ALREADY_INITIALIZED",
  "SERVER_OVERLOADED",
  "PROTOCOL_ERROR",
  "CODEX_NOT_FOUND",
  "CODEX_TOO_OLD",
  "SPAWN_FAILED",
  "INVALID_OPTION",
  "INVALID_STATE",
  "UNSUPPORTED",
  "NOT_FOUND",
  "AMBIGUOUS",
  "AUTH_REQUIRED",
  "CONFIG_INVALID",
  "LOCKED",
  "STORE_FAILED",
  "LEASE_LOST",
  "INVALID_DEPENDENCY",
  "BOARD_FAILED",
] satisfies BridgeErrorCode[]);

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The error a request to `method` rejects with, given the gateway's error object. */
export function errorFromWire(method: string, error: ErrorObject): BridgeError {
  const data = record(error.data);
  const cause = new JsonRpcError(error.code, error.message, { data: error.data, method });
  switch (error.code) {
    case GATEWAY_ERRORS.bridge: {
      // data = {code, ...the error's details}.
      const { code: wireCode, ...details } = data;
      const known = typeof wireCode === "string" && KNOWN_CODES.has(wireCode);
      return new BridgeError(known ? (wireCode as BridgeErrorCode) : "PROTOCOL_ERROR", error.message, {
        cause,
        details: known ? details : { ...details, wireCode },
      });
    }
    case GATEWAY_ERRORS.unsupported: {
      const control = typeof data.control === "string" ? data.control : method;
      return new BridgeError(
        "UNSUPPORTED",
        `${control}: the gateway's runtime cannot do this (${error.message})`,
        {
          cause,
          details: { control },
        },
      );
    }
    case GATEWAY_ERRORS.overloaded:
      return new BridgeError("SERVER_OVERLOADED", `${method}: the gateway is overloaded: ${error.message}`, {
        cause,
      });
    case RpcErrorCode.MethodNotFound:
      return new BridgeError(
        "UNSUPPORTED",
        `${method}: the gateway does not know this method (an older codex-bridge serve?)`,
        { cause, details: { control: method } },
      );
    case RpcErrorCode.InvalidParams:
      return new BridgeError(
        "INVALID_OPTION",
        `${method}: the gateway refused the parameters: ${error.message}`,
        {
          cause,
          details: data,
        },
      );
    case RpcErrorCode.InternalError:
      return new BridgeError(
        "PROTOCOL_ERROR",
        `${method}: the gateway failed while handling it (internal error): ${error.message}`,
        { cause },
      );
    default:
      return new BridgeError(
        "PROTOCOL_ERROR",
        `${method}: the gateway answered error ${error.code}: ${error.message}`,
        { cause },
      );
  }
}
