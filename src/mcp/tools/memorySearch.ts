import { z } from "zod";
import { searchMemories } from "../../store/knowledge.js";
import { defineTool } from "../defineTool.js";

export const memorySearch = defineTool({
  name: "memory_search",
  title: "Search notes",
  description:
    "Search the persistent memory shared by all codex-bridge sessions by words in the keys, contents and tags " +
    "of stored notes. Every word must match (prefix match). Returns the best matches with their full content.",
  inputSchema: z.object({
    query: z.string().min(1).describe("Words to look for."),
    limit: z.number().int().min(1).max(50).optional().describe("How many notes to return (default 10)."),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler(ctx, args) {
    const found = searchMemories((await ctx.store()).db, args.query, { limit: args.limit ?? 10 });
    return { memories: found.map((m) => ({ key: m.key, content: m.content, tags: m.tags })) };
  },
});
