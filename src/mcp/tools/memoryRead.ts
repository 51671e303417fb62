import { z } from "zod";
import { readMemory } from "../../store/knowledge.js";
import { defineTool } from "../defineTool.js";

export const memoryRead = defineTool({
  name: "memory_read",
  title: "Recall a note",
  description:
    "Read the note stored under a key in the persistent memory shared by all codex-bridge sessions. " +
    "Fails if nothing is stored under that key; use memory_search when you do not know the exact key.",
  inputSchema: z.object({ key: z.string().min(1).max(200).describe("The key the note was stored under.") }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler(ctx, args) {
    const memory = readMemory((await ctx.store()).db, args.key);
    if (!memory) throw new Error(`nothing is stored under the key ${JSON.stringify(args.key)}`);
    return {
      key: memory.key,
      content: memory.content,
      tags: memory.tags,
      updated_at: new Date(memory.updatedAt).toISOString(),
    };
  },
});
