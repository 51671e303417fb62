import { z } from "zod";
import { searchMessages } from "../../store/knowledge.js";
import { defineTool } from "../defineTool.js";

export const sessionSearch = defineTool({
  name: "session_search",
  title: "Search past sessions",
  description:
    "Search the transcripts of past codex-bridge sessions (user prompts, your answers, tool calls and their output) " +
    "for words or phrases. Use it to find earlier work, decisions or results you no longer have in context. " +
    "Returns matching messages with their session id and position (seq) and a snippet with the hits in [brackets]; " +
    "read around a hit with session_read.",
  inputSchema: z.object({
    query: z.string().min(1).describe("Words to look for; every word must match (prefix match)."),
    limit: z.number().int().min(1).max(50).optional().describe("How many hits to return (default 10)."),
    session_id: z.string().min(1).optional().describe("Only search this session."),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler(ctx, args) {
    const store = await ctx.store();
    const hits = searchMessages(store.db, args.query, {
      limit: args.limit ?? 10,
      ...(args.session_id ? { sessionId: args.session_id } : {}),
    });
    return {
      hits: hits.map((h) => ({ session_id: h.sessionId, seq: h.seq, role: h.role, snippet: h.snippet })),
    };
  },
});
