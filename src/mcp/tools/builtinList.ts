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
  {
    name: "kanban_complete",
    title: "Complete your task",
    description:
      "Report that the task you were given is done. Call it once, at the end, with a summary of what you did and found: it is stored as the task's result and handed to the tasks that depend on this one, so write what they need to know (decisions, where the output is). Name files or URLs you produced in `artifacts`. Only for worker threads; acts on your own task.",
    inputSchema: {
      type: "object",
      properties: {
        summary: {
          type: "string",
          minLength: 1,
          maxLength: 20000,
          description: "What was done and what came out of it.",
        },
        artifacts: {
          description: "Paths or URLs of what you produced.",
          maxItems: 100,
          type: "array",
          items: {
            type: "string",
            minLength: 1,
            maxLength: 1000,
          },
        },
      },
      required: ["summary"],
      additionalProperties: false,
    },
    annotations: {
      title: "Complete your task",
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: false,
    },
  },
  {
    name: "kanban_block",
    title: "Block your task",
    description:
      "Report that you cannot finish your task without help: a question only a person can answer, a missing permission or input, a decision that is not yours to make. Give the reason as the question to answer. The task waits until someone unblocks it; the next worker sees their answer as a comment. Only for worker threads; acts on your own task. Stop working after calling it.",
    inputSchema: {
      type: "object",
      properties: {
        reason: {
          type: "string",
          minLength: 1,
          maxLength: 5000,
          description: "What is needed to go on, phrased as a question or request.",
        },
      },
      required: ["reason"],
      additionalProperties: false,
    },
    annotations: {
      title: "Block your task",
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: false,
    },
  },
  {
    name: "kanban_comment",
    title: "Comment on your task",
    description:
      "Add a note to your task's comments: progress, a finding, a decision and why. Comments stay with the task and are shown to whoever works on it next. Only for worker threads; acts on your own task.",
    inputSchema: {
      type: "object",
      properties: {
        text: {
          type: "string",
          minLength: 1,
          maxLength: 20000,
          description: "The comment.",
        },
      },
      required: ["text"],
      additionalProperties: false,
    },
    annotations: {
      title: "Comment on your task",
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: false,
    },
  },
  {
    name: "kanban_heartbeat",
    title: "Say you are still working",
    description:
      "Tell the board you are still working on your task, optionally with a short progress note. Call it now and then during long work (every few minutes): a task whose worker goes silent can be handed to another worker. Only for worker threads; acts on your own task.",
    inputSchema: {
      type: "object",
      properties: {
        note: {
          description: "What you are doing right now.",
          type: "string",
          minLength: 1,
          maxLength: 2000,
        },
      },
      additionalProperties: false,
    },
    annotations: {
      title: "Say you are still working",
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: false,
    },
  },
  {
    name: "kanban_show",
    title: "Show a task",
    description:
      "Show one task of the kanban board in full: title, body, status, dependencies, comments, result, block reason and attempts. Without task_id, shows your own task (worker threads).",
    inputSchema: {
      type: "object",
      properties: {
        task_id: {
          description: "The task's id (or a unique prefix of it); default: the task you are working on.",
          type: "string",
          minLength: 1,
        },
      },
      additionalProperties: false,
    },
    annotations: {
      title: "Show a task",
      readOnlyHint: true,
      idempotentHint: true,
      openWorldHint: false,
    },
  },
  {
    name: "kanban_list",
    title: "List tasks",
    description:
      "List the tasks of the kanban board (id, title, status, priority, dependencies, result or block reason), optionally only those with one status. Use kanban_show for a task's body, comments and attempts.",
    inputSchema: {
      type: "object",
      properties: {
        status: {
          description: "Only tasks with this status.",
          type: "string",
          enum: ["todo", "ready", "running", "blocked", "done", "failed", "cancelled"],
        },
        limit: {
          description: "At most this many tasks (default 100).",
          type: "integer",
          minimum: 1,
          maximum: 500,
        },
      },
      additionalProperties: false,
    },
    annotations: {
      title: "List tasks",
      readOnlyHint: true,
      idempotentHint: true,
      openWorldHint: false,
    },
  },
  {
    name: "kanban_create",
    title: "Create a task",
    description:
      "Put a new task on the kanban board for a worker (another codex session) to do. Write the body as the complete brief a newcomer needs: the goal, the context, what done looks like. A task that needs the result of others names them in depends_on; it starts only once they are all done, and its worker sees their results. Returns the new task's id. Only for orchestrator threads (those not working on a task).",
    inputSchema: {
      type: "object",
      properties: {
        title: {
          type: "string",
          minLength: 1,
          maxLength: 200,
          description: "A short name for the task.",
        },
        body: {
          type: "string",
          maxLength: 50000,
          description: "The full brief for the worker.",
        },
        depends_on: {
          description: "Ids of tasks that must be done first.",
          maxItems: 100,
          type: "array",
          items: {
            type: "string",
            minLength: 1,
          },
        },
        priority: {
          description: "Higher runs first (default 0).",
          type: "integer",
          minimum: -1000,
          maximum: 1000,
        },
      },
      required: ["title", "body"],
      additionalProperties: false,
    },
    annotations: {
      title: "Create a task",
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: false,
    },
  },
  {
    name: "kanban_unblock",
    title: "Unblock a task",
    description:
      "Answer a blocked task and let it run again: the note (your answer to its block reason) is added as a comment the next worker reads. Only for orchestrator threads (those not working on a task).",
    inputSchema: {
      type: "object",
      properties: {
        task_id: {
          type: "string",
          minLength: 1,
          description: "The blocked task's id.",
        },
        note: {
          type: "string",
          minLength: 1,
          maxLength: 20000,
          description: "The answer or instructions for the next worker.",
        },
      },
      required: ["task_id", "note"],
      additionalProperties: false,
    },
    annotations: {
      title: "Unblock a task",
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: false,
    },
  },
  {
    name: "kanban_link",
    title: "Add a dependency",
    description:
      "Make a task wait for another: task_id will not start until depends_on is done, and its worker sees that task's result. Cycles are refused. Only for orchestrator threads (those not working on a task).",
    inputSchema: {
      type: "object",
      properties: {
        task_id: {
          type: "string",
          minLength: 1,
          description: "The task that must wait.",
        },
        depends_on: {
          type: "string",
          minLength: 1,
          description: "The task it waits for.",
        },
      },
      required: ["task_id", "depends_on"],
      additionalProperties: false,
    },
    annotations: {
      title: "Add a dependency",
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    },
  },
];
