// Generated from the built-in tools' zod schemas by test/unit/mcp/builtinList.test.ts
// (UPDATE_TOOL_LIST=1); that test fails when this drifts from them. Do not edit by hand.
import type { ListedTool } from "../handlers.js";

export const BUILTIN_TOOL_LIST: ListedTool[] = [
  {
    name: "session_search",
    title: "Search past sessions",
    description:
      "Search the transcripts of past codex-bridge sessions (user prompts, your answers, tool calls and their output) for words or phrases. Use it to find earlier work, decisions or results you no longer have in context. Returns matching messages with their session id and position (seq) and a snippet with the hits in [brackets]; read around a hit with session_read.",
    inputSchema: {
      type: "object",
      properties: {
        query: {
          type: "string",
          minLength: 1,
          description: "Words to look for; every word must match (prefix match).",
        },
        limit: {
          description: "How many hits to return (default 10).",
          type: "integer",
          minimum: 1,
          maximum: 50,
        },
        session_id: {
          description: "Only search this session.",
          type: "string",
          minLength: 1,
        },
      },
      required: ["query"],
      additionalProperties: false,
    },
    annotations: {
      title: "Search past sessions",
      readOnlyHint: true,
      idempotentHint: true,
      openWorldHint: false,
    },
  },
  {
    name: "session_read",
    title: "Read a session's transcript",
    description:
      'Read the stored transcript of a codex-bridge session, in order: user prompts, your answers, tool calls and tool results. Pass the session id from session_search (or "current" for this session). Use `from` to start after a given message number (seq) and `limit` to page through long sessions.',
    inputSchema: {
      type: "object",
      properties: {
        session_id: {
          type: "string",
          minLength: 1,
          description: 'The session id, or "current".',
        },
        from: {
          description: "Start after this message number (default 0: the beginning).",
          type: "integer",
          minimum: 0,
          maximum: 9007199254740991,
        },
        limit: {
          description: "How many messages (default 50).",
          type: "integer",
          minimum: 1,
          maximum: 200,
        },
      },
      required: ["session_id"],
      additionalProperties: false,
    },
    annotations: {
      title: "Read a session's transcript",
      readOnlyHint: true,
      idempotentHint: true,
      openWorldHint: false,
    },
  },
  {
    name: "memory_write",
    title: "Remember something",
    description:
      'Store a note in the persistent memory shared by all codex-bridge sessions, under a key you choose (for example "project/build-command"). Writing an existing key replaces its content. Use it for facts, decisions and preferences worth keeping for later sessions; find them again with memory_search or memory_read.',
    inputSchema: {
      type: "object",
      properties: {
        key: {
          type: "string",
          minLength: 1,
          maxLength: 200,
          description: "A short, stable name for the note.",
        },
        content: {
          type: "string",
          minLength: 1,
          maxLength: 100000,
          description: "What to remember.",
        },
        tags: {
          description: "Optional labels to search by.",
          maxItems: 20,
          type: "array",
          items: {
            type: "string",
            minLength: 1,
            maxLength: 50,
          },
        },
      },
      required: ["key", "content"],
      additionalProperties: false,
    },
    annotations: {
      title: "Remember something",
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
      openWorldHint: false,
    },
  },
  {
    name: "memory_read",
    title: "Recall a note",
    description:
      "Read the note stored under a key in the persistent memory shared by all codex-bridge sessions. Fails if nothing is stored under that key; use memory_search when you do not know the exact key.",
    inputSchema: {
      type: "object",
      properties: {
        key: {
          type: "string",
          minLength: 1,
          maxLength: 200,
          description: "The key the note was stored under.",
        },
      },
      required: ["key"],
      additionalProperties: false,
    },
    annotations: {
      title: "Recall a note",
      readOnlyHint: true,
      idempotentHint: true,
      openWorldHint: false,
    },
  },
  {
    name: "memory_search",
    title: "Search notes",
    description:
      "Search the persistent memory shared by all codex-bridge sessions by words in the keys, contents and tags of stored notes. Every word must match (prefix match). Returns the best matches with their full content.",
    inputSchema: {
      type: "object",
      properties: {
        query: {
          type: "string",
          minLength: 1,
          description: "Words to look for.",
        },
        limit: {
          description: "How many notes to return (default 10).",
          type: "integer",
          minimum: 1,
          maximum: 50,
        },
      },
      required: ["query"],
      additionalProperties: false,
    },
    annotations: {
      title: "Search notes",
      readOnlyHint: true,
      idempotentHint: true,
      openWorldHint: false,
    },
  },
];
