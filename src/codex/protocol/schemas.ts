/**
 * zod schemas for the parts of codex payloads the bridge reads. Lenient
 * (`looseObject`): codex adds fields every release, and a field we do not
 * read must never break us. Only what we depend on is required.
 */
import { z } from "zod";

export const initializeResponseSchema = z.looseObject({
  userAgent: z.string(),
  codexHome: z.string(),
  platformFamily: z.string().optional(),
  platformOs: z.string().optional(),
});

export const threadResponseSchema = z.looseObject({
  thread: z.looseObject({ id: z.string() }),
});

export const turnStartResponseSchema = z.looseObject({
  turn: z.looseObject({ id: z.string() }),
});

export const turnSteerResponseSchema = z.looseObject({ turnId: z.string() });

export const accountResponseSchema = z.looseObject({
  account: z.union([z.null(), z.looseObject({ type: z.string() })]),
  requiresOpenaiAuth: z.boolean(),
});

/**
 * The thread a notification belongs to (`threadId`, or `thread.id` for
 * thread/started), or undefined for process-wide notifications. Plain checks:
 * this runs for every notification, deltas included.
 */
export function notificationThreadId(params: unknown): string | undefined {
  if (!params || typeof params !== "object") return undefined;
  const p = params as { threadId?: unknown; thread?: { id?: unknown } | null };
  if (typeof p.threadId === "string") return p.threadId;
  return p.thread && typeof p.thread.id === "string" ? p.thread.id : undefined;
}
