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

/** Where a notification names its thread: `threadId`, or `thread.id` (thread/started). */
const threadRefSchema = z.looseObject({
  threadId: z.string().optional(),
  thread: z.looseObject({ id: z.string() }).optional(),
});

/** The thread a notification belongs to, or undefined for process-wide notifications. */
export function notificationThreadId(params: unknown): string | undefined {
  const parsed = threadRefSchema.safeParse(params);
  if (!parsed.success) return undefined;
  return parsed.data.threadId ?? parsed.data.thread?.id;
}
