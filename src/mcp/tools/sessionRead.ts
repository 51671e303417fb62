import { z } from "zod";
import type { TranscriptMessage } from "../../codex/transcript.js";
import { defineTool } from "../defineTool.js";

export const sessionRead = defineTool({
  name: "session_read",
  title: "Read a session's transcript",
  description:
    "Read the stored transcript of a codex-bridge session, in order: user prompts, your answers, tool calls and " +
    'tool results. Pass the session id from session_search (or "current" for this session). Use `from` to start ' +
    "after a given message number (seq) and `limit` to page through long sessions.",
  inputSchema: z.object({
    session_id: z.string().min(1).describe('The session id, or "current".'),
    from: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("Start after this message number (default 0: the beginning)."),
    limit: z.number().int().min(1).max(200).optional().describe("How many messages (default 50)."),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler(ctx, args) {
    const sessionId = args.session_id === "current" ? ctx.sessionId : args.session_id;
    if (!sessionId)
      throw new Error('"current" was asked for, but this tool server was not started for a session');
    const store = await ctx.store();
    const session = store.getSession(sessionId) ?? store.findSessionByThread(sessionId);
    if (!session) throw new Error(`no session ${sessionId} in the store`);
    const limit = args.limit ?? 50;
    const rows = store.listMessages<TranscriptMessage>(session.id, {
      after: args.from ?? 0,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      session_id: session.id,
      thread_id: session.threadId,
      title: session.title,
      messages: page.map((r) => ({ seq: r.seq, ...r.message })),
      next_from: rows.length > limit ? (page.at(-1)?.seq ?? null) : null,
    };
  },
});
