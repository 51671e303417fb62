/**
 * The gateway's methods: each wire name (src/runtime/wire.ts) with the zod
 * schema of its params (strict: an unknown or mistyped field is refused with
 * -32602 naming it) and what it does on the runtime.
 */
import { z } from "zod";
import type { Runtime } from "../runtime/runtime.js";
import { GATEWAY_METHODS as M } from "../runtime/wire.js";
import { TASK_STATUSES } from "../store/board/types.js";

/** What a method needs besides the runtime: the client's subscriptions. */
export interface MethodContext {
  runtime: Runtime;
  /** `batch`: events go out as `events` notifications, as many per frame as are ready together. */
  subscribe(sessionId: string, after: number, batch: boolean): Promise<{ subscriptionId: string }>;
  unsubscribe(subscriptionId: string): Promise<void>;
  boardSubscribe(after: number): Promise<{ subscriptionId: string }>;
  /** A session was started or resumed through this gateway (the reaper watches it). */
  opened(sessionId: string): void;
  health(): Promise<unknown>;
}

interface Method<S extends z.ZodType> {
  params: S;
  run(ctx: MethodContext, params: z.output<S>): Promise<unknown>;
}

const id = z.string().min(1);
const session = z.strictObject({ sessionId: id });
const task = z.strictObject({ taskId: id });
const cursor = z.number().int().min(0);
const none = z.strictObject({});

function method<S extends z.ZodType>(params: S, run: Method<S>["run"]): Method<S> {
  return { params, run };
}

const ok = {};

export const METHODS: Record<string, Method<z.ZodType>> = {
  [M.health]: method(none, (ctx) => ctx.health()),
  [M.sessionStart]: method(
    z.strictObject({
      cwd: z.string().min(1).optional(),
      model: z.string().min(1).optional(),
      approvalPolicy: z.enum(["ask", "accept", "decline"]).optional(),
      codexApprovalPolicy: z.enum(["untrusted", "on-request", "never"]).optional(),
      sandbox: z.enum(["read-only", "workspace-write", "danger-full-access"]).optional(),
      config: z.record(z.string(), z.unknown()).optional(),
      title: z.string().optional(),
    }),
    async (ctx, p) => {
      const summary = await ctx.runtime.startSession(p);
      ctx.opened(summary.id);
      return summary;
    },
  ),
  [M.sessionResume]: method(session, async (ctx, p) => {
    const summary = await ctx.runtime.resumeSession(p.sessionId);
    ctx.opened(summary.id);
    return summary;
  }),
  [M.sessionList]: method(
    z.strictObject({ limit: z.number().int().min(1).max(1000).optional() }),
    async (ctx, p) => ({
      sessions: await ctx.runtime.listSessions(p.limit === undefined ? {} : { limit: p.limit }),
    }),
  ),
  [M.sessionRead]: method(session, (ctx, p) => ctx.runtime.readSession(p.sessionId)),
  [M.sessionClose]: method(session, async (ctx, p) => {
    await ctx.runtime.closeSession(p.sessionId);
    return ok;
  }),
  [M.turnStart]: method(z.strictObject({ sessionId: id, input: z.string().min(1) }), (ctx, p) =>
    ctx.runtime.startTurn(p),
  ),
  [M.turnWait]: method(z.strictObject({ sessionId: id, turnId: id.nullable().optional() }), (ctx, p) =>
    ctx.runtime.waitTurn(p.sessionId, p.turnId ?? null),
  ),
  [M.turnCancel]: method(session, async (ctx, p) => {
    await ctx.runtime.cancelTurn(p.sessionId);
    return ok;
  }),
  [M.turnSteer]: method(z.strictObject({ sessionId: id, input: z.string().min(1) }), async (ctx, p) => {
    await ctx.runtime.steerTurn(p.sessionId, p.input);
    return ok;
  }),
  [M.approvalRespond]: method(
    z.strictObject({
      approvalId: id,
      decision: z.looseObject({
        decision: z.enum([
          "accept",
          "acceptForSession",
          "acceptWithExecpolicyAmendment",
          "decline",
          "cancel",
        ]),
        reason: z.string().optional(),
        answers: z.record(z.string(), z.array(z.string())).optional(),
        amendment: z.array(z.string()).optional(),
      }),
    }),
    async (ctx, p) => {
      await ctx.runtime.respondApproval(p.approvalId, p.decision);
      return ok;
    },
  ),
  [M.eventsSubscribe]: method(
    z.strictObject({ sessionId: id, after: cursor.optional(), batch: z.boolean().optional() }),
    (ctx, p) => ctx.subscribe(p.sessionId, p.after ?? 0, p.batch ?? false),
  ),
  [M.eventsUnsubscribe]: method(z.strictObject({ subscriptionId: id }), async (ctx, p) => {
    await ctx.unsubscribe(p.subscriptionId);
    return ok;
  }),
  [M.boardCreate]: method(
    z.strictObject({
      title: z.string().min(1),
      body: z.string().optional(),
      dependsOn: z.array(id).optional(),
      priority: z.number().int().optional(),
      cwd: z.string().min(1).nullable().optional(),
      author: z.string().min(1).optional(),
    }),
    (ctx, p) => ctx.runtime.boardCreate(p),
  ),
  [M.boardList]: method(
    z.strictObject({
      status: z.union([z.enum(TASK_STATUSES), z.array(z.enum(TASK_STATUSES))]).optional(),
      limit: z.number().int().min(1).optional(),
    }),
    async (ctx, p) => ({ tasks: await ctx.runtime.boardList(p) }),
  ),
  [M.boardGet]: method(task, (ctx, p) => ctx.runtime.boardGet(p.taskId)),
  [M.boardComment]: method(z.strictObject({ taskId: id, text: z.string().min(1) }), (ctx, p) =>
    ctx.runtime.boardComment(p.taskId, p.text),
  ),
  [M.boardBlock]: method(z.strictObject({ taskId: id, reason: z.string().min(1) }), (ctx, p) =>
    ctx.runtime.boardBlock(p.taskId, p.reason),
  ),
  [M.boardUnblock]: method(z.strictObject({ taskId: id, note: z.string() }), (ctx, p) =>
    ctx.runtime.boardUnblock(p.taskId, p.note),
  ),
  [M.boardCancel]: method(task, (ctx, p) => ctx.runtime.boardCancel(p.taskId)),
  [M.boardSubscribe]: method(z.strictObject({ after: cursor.optional() }), (ctx, p) =>
    ctx.boardSubscribe(p.after ?? 0),
  ),
};

/** The zod issues as one line naming each field: `sessionId: expected string, received number`. */
export function describeIssues(error: z.ZodError): { message: string; fields: string[] } {
  const fields = error.issues.map((i) => (i.path.length > 0 ? i.path.join(".") : "params"));
  const parts = error.issues.map((i) => {
    const at = i.path.length > 0 ? i.path.join(".") : "params";
    const keys = i.code === "unrecognized_keys" ? ` (${i.keys.join(", ")})` : "";
    return `${at}: ${i.message}${keys}`;
  });
  return { message: `invalid params: ${parts.join("; ")}`, fields };
}
