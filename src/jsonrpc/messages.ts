/**
 * JSON-RPC message shapes as codex app-server speaks them: JSON-RPC 2.0
 * without the `"jsonrpc"` field (accepted on input, never written).
 */

/** A request id. codex uses integers; strings are legal JSON-RPC and accepted. */
export type RequestId = number | string;

export interface RequestMessage {
  id: RequestId;
  method: string;
  params?: unknown;
}

export interface NotificationMessage {
  method: string;
  params?: unknown;
}

export interface ErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export interface SuccessResponse {
  id: RequestId;
  result: unknown;
}

export interface ErrorResponse {
  id: RequestId | null;
  error: ErrorObject;
}

export type ResponseMessage = SuccessResponse | ErrorResponse;

/** An incoming message after classification. */
export type IncomingMessage =
  | { kind: "request"; message: RequestMessage; raw: Record<string, unknown> }
  | { kind: "notification"; message: NotificationMessage; raw: Record<string, unknown> }
  | { kind: "response"; message: ResponseMessage; raw: Record<string, unknown> };

// Checked by hand, not with zod: this module is on the start-up path of `mcp-serve`, which codex
// starts per thread, and on every message of a streamed reply. Lenient: peers add fields
// (codex adds `emittedAtMs` to notifications); they are kept.
const isId = (v: unknown): v is RequestId => typeof v === "number" || typeof v === "string";
const typeName = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
const wrong = (field: string, expected: string, v: unknown) =>
  `${field}: expected ${expected}, got ${v === undefined ? "nothing" : typeName(v)}`;

function errorObjectProblem(v: unknown): string | null {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return wrong("error", "an object", v);
  const e = v as Record<string, unknown>;
  if (typeof e.code !== "number") return wrong("error.code", "a number", e.code);
  if (typeof e.message !== "string") return wrong("error.message", "a string", e.message);
  return null;
}

/**
 * Classifies a parsed JSON value. Routing is by the presence of `method`
 * (server requests reuse integer ids that overlap ours). Returns a string
 * naming what is wrong when the value is not a JSON-RPC message.
 */
export function classifyMessage(value: unknown): IncomingMessage | string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return `expected a JSON object, got ${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}`;
  }
  const raw = value as Record<string, unknown>;
  if ("method" in raw) {
    const isRequest = "id" in raw && raw.id !== undefined && raw.id !== null;
    const what = isRequest ? "request" : "notification";
    if (typeof raw.method !== "string") return `invalid ${what}: ${wrong("method", "a string", raw.method)}`;
    if (isRequest) {
      if (!isId(raw.id)) return `invalid request: ${wrong("id", "a number or a string", raw.id)}`;
      return { kind: "request", message: raw as unknown as RequestMessage, raw };
    }
    return { kind: "notification", message: raw as unknown as NotificationMessage, raw };
  }
  if ("error" in raw) {
    if (raw.id !== null && !isId(raw.id))
      return `invalid error response: ${wrong("id", "a number, a string or null", raw.id)}`;
    const problem = errorObjectProblem(raw.error);
    if (problem) return `invalid error response: ${problem}`;
    return { kind: "response", message: raw as unknown as ErrorResponse, raw };
  }
  if ("result" in raw) {
    if (!isId(raw.id)) return `invalid response: ${wrong("id", "a number or a string", raw.id)}`;
    return { kind: "response", message: raw as unknown as SuccessResponse, raw };
  }
  return "not a JSON-RPC message: no method, result or error";
}

/** Serializes an outgoing message as one line; `"jsonrpc": "2.0"` only when asked for (codex omits it). */
export function encodeMessage(
  jsonrpcField: boolean,
  message: RequestMessage | NotificationMessage | ResponseMessage,
): string {
  return `${JSON.stringify(jsonrpcField ? { jsonrpc: "2.0", ...message } : message)}\n`;
}
