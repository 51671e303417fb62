/**
 * JSON-RPC message shapes as codex app-server speaks them: JSON-RPC 2.0
 * without the `"jsonrpc"` field (accepted on input, never written).
 */
import { z } from "zod";

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

const idSchema = z.union([z.number(), z.string()]);
const errorObjectSchema = z.looseObject({
  code: z.number(),
  message: z.string(),
  data: z.unknown().optional(),
});

// Lenient: peers add fields (codex adds `emittedAtMs` to notifications).
const requestSchema = z.looseObject({ id: idSchema, method: z.string(), params: z.unknown().optional() });
const notificationSchema = z.looseObject({ method: z.string(), params: z.unknown().optional() });
const successSchema = z.looseObject({ id: idSchema, result: z.unknown() });
const errorResponseSchema = z.looseObject({ id: z.union([idSchema, z.null()]), error: errorObjectSchema });

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
    if ("id" in raw && raw.id !== undefined && raw.id !== null) {
      const parsed = requestSchema.safeParse(raw);
      if (parsed.success) return { kind: "request", message: parsed.data, raw };
      return `invalid request: ${z.prettifyError(parsed.error)}`;
    }
    const parsed = notificationSchema.safeParse(raw);
    if (parsed.success) return { kind: "notification", message: parsed.data, raw };
    return `invalid notification: ${z.prettifyError(parsed.error)}`;
  }
  if ("error" in raw) {
    const parsed = errorResponseSchema.safeParse(raw);
    if (parsed.success) return { kind: "response", message: parsed.data, raw };
    return `invalid error response: ${z.prettifyError(parsed.error)}`;
  }
  if ("result" in raw) {
    const parsed = successSchema.safeParse(raw);
    if (parsed.success) return { kind: "response", message: parsed.data, raw };
    return `invalid response: ${z.prettifyError(parsed.error)}`;
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
