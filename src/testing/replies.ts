/**
 * Builders for scripted model replies. An item builder returns the SSE
 * events of one output item; {@link respond} wraps items into a complete
 * response (`response.created` … `response.completed`).
 */
import type { MockReply, SseEvent } from "./mockResponses.js";

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
}

const DEFAULT_USAGE: Usage = { input_tokens: 12, output_tokens: 3, total_tokens: 15 };

let counter = 0;
const nextId = (prefix: string) => `${prefix}-${++counter}`;

/** Splits text into `n` roughly equal pieces (at least one). */
function splitText(text: string, n: number): string[] {
  if (n <= 1 || text.length <= 1) return [text];
  const size = Math.ceil(text.length / n);
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return parts;
}

/** The tool namespace codex shows the model for an MCP server. */
export function mcpNamespace(server: string): string {
  return `mcp__${server.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

/** The SSE events of one output item. */
export const item = {
  /** An assistant message streamed as `deltas` pieces (default 3) and then completed with the full text. */
  message(text: string, options: { deltas?: number | string[]; id?: string } = {}): SseEvent[] {
    const id = options.id ?? nextId("msg");
    const pieces = Array.isArray(options.deltas) ? options.deltas : splitText(text, options.deltas ?? 3);
    return [
      { type: "response.output_item.added", item: { type: "message", role: "assistant", id, content: [] } },
      ...pieces.map((delta) => ({
        type: "response.output_text.delta",
        item_id: id,
        output_index: 0,
        content_index: 0,
        delta,
      })),
      {
        type: "response.output_item.done",
        item: {
          type: "message",
          role: "assistant",
          id,
          content: [{ type: "output_text", text, annotations: [] }],
        },
      },
    ];
  },

  /** A reasoning item with a streamed summary. */
  reasoning(summary: string, options: { id?: string; deltas?: number } = {}): SseEvent[] {
    const id = options.id ?? nextId("rs");
    return [
      { type: "response.output_item.added", item: { type: "reasoning", id, summary: [] } },
      ...splitText(summary, options.deltas ?? 2).map((delta) => ({
        type: "response.reasoning_summary_text.delta",
        item_id: id,
        summary_index: 0,
        delta,
      })),
      {
        type: "response.output_item.done",
        item: { type: "reasoning", id, summary: [{ type: "summary_text", text: summary }] },
      },
    ];
  },

  /** A call of codex's shell tool `exec_command`. */
  execCommand(
    cmd: string,
    options: { callId?: string; yieldTimeMs?: number; workdir?: string } = {},
  ): SseEvent[] {
    const args: Record<string, unknown> = { cmd, yield_time_ms: options.yieldTimeMs ?? 1000 };
    if (options.workdir) args.workdir = options.workdir;
    return item.functionCall(
      "exec_command",
      args,
      options.callId === undefined ? {} : { callId: options.callId },
    );
  },

  /** A patch applied through `exec_command` as an `apply_patch` heredoc (surfaces as a fileChange item). */
  applyPatch(patch: string, options: { callId?: string } = {}): SseEvent[] {
    const body = patch.endsWith("\n") ? patch : `${patch}\n`;
    return item.execCommand(`apply_patch <<'EOF'\n${body}EOF`, options);
  },

  /** A patch that adds one file with the given content. */
  addFilePatch(path: string, content: string, options: { callId?: string } = {}): SseEvent[] {
    const lines = content.split("\n").map((l) => `+${l}`);
    return item.applyPatch(
      `*** Begin Patch\n*** Add File: ${path}\n${lines.join("\n")}\n*** End Patch`,
      options,
    );
  },

  /**
   * A call of an MCP tool: the model names the namespace `mcp__<server>` and
   * the bare tool. codex shows the model the server name with every character
   * outside [A-Za-z0-9_] replaced by `_` (codex-bridge-tools → codex_bridge_tools).
   */
  mcpCall(
    server: string,
    tool: string,
    args: Record<string, unknown>,
    options: { callId?: string } = {},
  ): SseEvent[] {
    return item.functionCall(tool, args, { ...options, namespace: mcpNamespace(server) });
  },

  /** Any function call. */
  functionCall(
    name: string,
    args: Record<string, unknown>,
    options: { callId?: string; namespace?: string } = {},
  ): SseEvent[] {
    const callItem: Record<string, unknown> = {
      type: "function_call",
      id: nextId("fc"),
      call_id: options.callId ?? nextId("call"),
      name,
      arguments: JSON.stringify(args),
    };
    if (options.namespace) callItem.namespace = options.namespace;
    return [{ type: "response.output_item.done", item: callItem }];
  },
};

/** A complete streamed response made of the given items. */
export function respond(
  items: SseEvent[][],
  options: { id?: string; usage?: Usage; eventDelayMs?: number } = {},
): MockReply {
  const id = options.id ?? nextId("resp");
  return {
    kind: "sse",
    events: [
      { type: "response.created", response: { id } },
      ...items.flat(),
      {
        type: "response.completed",
        response: {
          id,
          usage: {
            ...(options.usage ?? DEFAULT_USAGE),
            input_tokens_details: null,
            output_tokens_details: null,
          },
        },
      },
    ],
    ...(options.eventDelayMs ? { eventDelayMs: options.eventDelayMs } : {}),
  };
}

/** Ready-made replies. */
export const reply = {
  /** A plain assistant answer. */
  text(text: string, options: { deltas?: number | string[] } = {}): MockReply {
    return respond([item.message(text, options)]);
  },
  /** The model runs a shell command (codex then posts its output back in a second request). */
  execCommand(cmd: string, options: { callId?: string } = {}): MockReply {
    return respond([item.execCommand(cmd, options)]);
  },
  /** The model calls an MCP tool. */
  mcpCall(
    server: string,
    tool: string,
    args: Record<string, unknown>,
    options: { callId?: string } = {},
  ): MockReply {
    return respond([item.mcpCall(server, tool, args, options)]);
  },
  /** The model applies a patch. */
  applyPatch(patch: string, options: { callId?: string } = {}): MockReply {
    return respond([item.applyPatch(patch, options)]);
  },
  /** An HTTP error from the provider (500 → codex fails the turn with internalServerError). */
  httpError(status = 500, message = "mock provider error"): MockReply {
    return { kind: "http", status, body: { error: { message, type: "server_error", code: null } } };
  },
  /** A stream that reports `response.failed`. */
  failed(message = "mock response failed", code = "server_error"): MockReply {
    const id = nextId("resp");
    return {
      kind: "sse",
      events: [
        { type: "response.created", response: { id } },
        { type: "response.failed", response: { id, error: { code, message } } },
      ],
    };
  },
  /** A stream that ends without `response.completed` (codex: "stream closed before response.completed"). */
  cut(items: SseEvent[][] = []): MockReply {
    return {
      kind: "sse",
      events: [{ type: "response.created", response: { id: nextId("resp") } }, ...items.flat()],
    };
  },
  /** A stream that starts and never finishes: exercises stall watchdogs. */
  stall(): MockReply {
    return { kind: "stall" };
  },
};

/** The `function_call_output` items of a request body, by call id. */
export function functionCallOutputs(body: { input?: Array<Record<string, unknown>> }): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const entry of body.input ?? []) {
    if (entry.type === "function_call_output" && typeof entry.call_id === "string")
      out.set(entry.call_id, entry.output);
  }
  return out;
}
