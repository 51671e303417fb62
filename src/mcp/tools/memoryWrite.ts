import { z } from "zod";
import { writeMemory } from "../../store/knowledge.js";
import { defineTool } from "../defineTool.js";

export const memoryWrite = defineTool({
  name: "memory_write",
  title: "Remember something",
  description:
    "Store a note in the persistent memory shared by all codex-bridge sessions, under a key you choose " +
    '(for example "project/build-command"). Writing an existing key replaces its content. Use it for facts, ' +
    "decisions and preferences worth keeping for later sessions; find them again with memory_search or memory_read.",
  inputSchema: z.object({
    key: z.string().min(1).max(200).describe("A short, stable name for the note."),
    content: z.string().min(1).max(100_000).describe("What to remember."),
    tags: z.array(z.string().min(1).max(50)).max(20).optional().describe("Optional labels to search by."),
  }),
  // Replacing a key overwrites what was there: destructive, but the same call twice changes nothing more.
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async handler(ctx, args) {
    const store = await ctx.store();
    const { created } = writeMemory(store.db, {
      key: args.key,
      content: args.content,
      tags: args.tags ?? [],
      sessionId: ctx.sessionId,
    });
    return { key: args.key, created, stored: true };
  },
});
