/**
 * Pure projection of codex item notifications into transcript messages:
 * `(state, notification) → (state, messages)`. Only completed items produce
 * messages, so a replay of the same notifications projects byte-identical
 * output. A tool call is always immediately followed by its result; items
 * still open when the turn ends are closed as interrupted rather than lost.
 */
import { stableStringify, text } from "../util/stableJson.js";
import type { ProjectedMessage, TranscriptMessage } from "./transcript.js";

export interface ProjectorOptions {
  /** Largest tool output kept in a message, in characters. Default 32000. */
  maxOutputChars?: number;
}

/** Serializable projector state for one thread. */
export interface ProjectorState {
  /** Reasoning summaries waiting for the next assistant message. */
  reasoning: string[];
  /** Items started but not completed, by id (their last known state). */
  open: Record<string, Item>;
}

/** A codex ThreadItem, read leniently: only `type` and `id` are relied on. */
export type Item = { type: string; id: string } & Record<string, unknown>;

export interface Notification {
  method: string;
  params?: unknown;
}

export const DEFAULT_MAX_OUTPUT_CHARS = 32_000;

export function initialProjectorState(): ProjectorState {
  return { reasoning: [], open: {} };
}

/** Applies one notification. Never mutates `state`. */
export function project(
  state: ProjectorState,
  notification: Notification,
  options: ProjectorOptions = {},
): { state: ProjectorState; messages: ProjectedMessage[] } {
  const params = (notification.params ?? {}) as Record<string, unknown>;
  const turnId = typeof params.turnId === "string" ? params.turnId : null;
  switch (notification.method) {
    case "item/started": {
      const item = asItem(params.item);
      if (!item || !(TOOL_TYPES.has(item.type) || item.type === "agentMessage"))
        return { state, messages: [] };
      return { state: { ...state, open: { ...state.open, [item.id]: item } }, messages: [] };
    }
    case "item/agentMessage/delta": {
      // Kept so that an answer cut short (an interrupt, a dead process) is stored as far as it got.
      const itemId = params.itemId;
      const open = typeof itemId === "string" ? state.open[itemId] : undefined;
      if (!open || typeof itemId !== "string") return { state, messages: [] };
      const text = `${typeof open.text === "string" ? open.text : ""}${typeof params.delta === "string" ? params.delta : ""}`;
      return { state: { ...state, open: { ...state.open, [itemId]: { ...open, text } } }, messages: [] };
    }
    case "item/completed": {
      const item = asItem(params.item);
      if (!item) return { state, messages: [] };
      const open = { ...state.open };
      delete open[item.id];
      return projectItem({ ...state, open }, item, turnId, options);
    }
    case "turn/completed": {
      const turn = (params.turn ?? {}) as Record<string, unknown>;
      const endTurnId = typeof turn.id === "string" ? turn.id : turnId;
      let next: ProjectorState = { reasoning: state.reasoning, open: {} };
      const messages: ProjectedMessage[] = [];
      for (const item of Object.values(state.open)) {
        // An answer that never completed keeps what was streamed; one with nothing streamed is dropped.
        if (item.type === "agentMessage" && !(typeof item.text === "string" && item.text !== "")) continue;
        const closed = projectItem(next, { ...item, status: "interrupted" }, endTurnId, options);
        next = closed.state;
        messages.push(...closed.messages);
      }
      if (next.reasoning.length > 0) {
        messages.push(
          entry(`reasoning:${endTurnId ?? "turn"}`, "reasoning", "reasoning", endTurnId, {
            role: "assistant",
            content: "",
            reasoning: next.reasoning.join("\n\n"),
          }),
        );
        next = { ...next, reasoning: [] };
      }
      return { state: next, messages };
    }
    default:
      return { state, messages: [] };
  }
}

const TOOL_TYPES = new Set(["commandExecution", "fileChange", "mcpToolCall", "dynamicToolCall"]);

function projectItem(
  state: ProjectorState,
  item: Item,
  turnId: string | null,
  options: ProjectorOptions,
): { state: ProjectorState; messages: ProjectedMessage[] } {
  const cap = options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS;
  switch (item.type) {
    case "reasoning": {
      const text = [...strings(item.summary), ...(strings(item.summary).length ? [] : strings(item.content))]
        .join("\n")
        .trim();
      return { state: text ? { ...state, reasoning: [...state.reasoning, text] } : state, messages: [] };
    }
    case "userMessage":
      return {
        state,
        messages: [
          entry(`${item.id}:user`, item.id, item.type, turnId, { role: "user", content: userText(item) }),
        ],
      };
    case "agentMessage": {
      const { message, state: next } = withReasoning(state, {
        role: "assistant",
        content: typeof item.text === "string" ? item.text : "",
      });
      return { state: next, messages: [entry(`${item.id}:assistant`, item.id, item.type, turnId, message)] };
    }
    case "commandExecution":
      return toolPair(
        state,
        item,
        turnId,
        "exec",
        "exec_command",
        { command: item.command, cwd: item.cwd },
        () => commandResult(item, cap),
      );
    case "fileChange":
      return toolPair(
        state,
        item,
        turnId,
        "patch",
        "apply_patch",
        { changes: fileChanges(item).map(({ kind, path }) => ({ kind, path })) },
        () => patchResult(item, cap),
      );
    case "mcpToolCall":
      return toolPair(
        state,
        item,
        turnId,
        "mcp",
        `mcp.${text(item.server)}.${text(item.tool)}`,
        item.arguments ?? {},
        () => mcpResult(item, cap),
      );
    case "dynamicToolCall":
      return toolPair(
        state,
        item,
        turnId,
        "dynamic",
        typeof item.namespace === "string" && item.namespace
          ? `${item.namespace}.${text(item.tool)}`
          : text(item.tool),
        item.arguments ?? {},
        () => dynamicResult(item, cap),
      );
    default:
      return {
        state,
        messages: [
          entry(`${item.id}:note`, item.id, item.type, turnId, { role: "system", content: note(item) }),
        ],
      };
  }
}

function toolPair(
  state: ProjectorState,
  item: Item,
  turnId: string | null,
  kind: string,
  name: string,
  args: unknown,
  result: () => string,
): { state: ProjectorState; messages: ProjectedMessage[] } {
  const callId = `codex_${kind}_${item.id}`;
  const { message: call, state: next } = withReasoning(state, {
    role: "assistant",
    content: "",
    tool_calls: [{ id: callId, type: "function", function: { name, arguments: stableStringify(args) } }],
  });
  return {
    state: next,
    messages: [
      entry(`${item.id}:call`, item.id, item.type, turnId, call),
      entry(`${item.id}:result`, item.id, item.type, turnId, {
        role: "tool",
        tool_call_id: callId,
        content: result(),
      }),
    ],
  };
}

function withReasoning(state: ProjectorState, message: TranscriptMessage) {
  if (state.reasoning.length === 0) return { message, state };
  return {
    message: { ...message, reasoning: state.reasoning.join("\n\n") },
    state: { ...state, reasoning: [] },
  };
}

function entry(
  key: string,
  itemId: string,
  itemType: string,
  turnId: string | null,
  message: TranscriptMessage,
) {
  return { key, itemId, itemType, turnId, message };
}

function commandResult(item: Item, cap: number): string {
  const output = truncate(typeof item.aggregatedOutput === "string" ? item.aggregatedOutput : "", cap);
  switch (item.status) {
    case "declined":
      return "[declined] the command was not run";
    case "interrupted":
    case "inProgress":
      return output ? `[interrupted]\n${output}` : "[interrupted] no result";
    default: {
      const code = typeof item.exitCode === "number" ? item.exitCode : null;
      if (item.status === "failed" || (code !== null && code !== 0)) {
        return `[exit ${code ?? "unknown"}]\n${output}`;
      }
      return output;
    }
  }
}

function patchResult(item: Item, cap: number): string {
  const list = fileChanges(item);
  const status = text(item.status, "unknown");
  const head = status === "completed" ? "applied" : status === "inProgress" ? "interrupted" : status;
  const lines = list.map((c) => `${c.kind} ${c.path}`);
  const diffs = list
    .map((c) => c.diff)
    .filter(Boolean)
    .join("\n");
  return truncate(
    `[${head}]${lines.length ? `\n${lines.join("\n")}` : ""}${diffs ? `\n\n${diffs}` : ""}`,
    cap,
  );
}

function mcpResult(item: Item, cap: number): string {
  const error = item.error as { message?: unknown } | null | undefined;
  if (error && typeof error === "object") return `[error] ${text(error.message, "tool call failed")}`;
  if (item.status === "interrupted" || item.status === "inProgress") return "[interrupted] no result";
  const result = item.result as { content?: unknown; structuredContent?: unknown } | null | undefined;
  if (!result) return "";
  const parts = Array.isArray(result.content) ? result.content.map(contentText) : [];
  if (parts.length === 0 && result.structuredContent != null)
    parts.push(stableStringify(result.structuredContent));
  return truncate(parts.join("\n"), cap);
}

function dynamicResult(item: Item, cap: number): string {
  if (item.status === "interrupted" || item.status === "inProgress") return "[interrupted] no result";
  const parts = Array.isArray(item.contentItems) ? item.contentItems.map(contentText) : [];
  const text = truncate(parts.join("\n"), cap);
  return item.success === false ? `[error] ${text}` : text;
}

function contentText(part: unknown): string {
  if (part && typeof part === "object") {
    const p = part as Record<string, unknown>;
    if (typeof p.text === "string") return p.text;
    if (p.type === "image" || p.type === "inputImage") return "[image]";
  }
  return stableStringify(part);
}

function userText(item: Item): string {
  const content = Array.isArray(item.content) ? (item.content as Array<Record<string, unknown>>) : [];
  return content
    .map((c) => {
      switch (c.type) {
        case "text":
          return text(c.text);
        case "image":
          return `[image: ${text(c.url ?? c.fileId)}]`;
        case "localImage":
          return `[image: ${text(c.path)}]`;
        case "skill":
        case "mention":
          return `[${text(c.type)}: ${text(c.name)}]`;
        default:
          return `[${text(c.type)}]`;
      }
    })
    .join("\n");
}

function note(item: Item): string {
  switch (item.type) {
    case "plan":
      return `[plan]\n${text(item.text)}`;
    case "enteredReviewMode":
      return `[review started] ${text(item.review)}`.trim();
    case "exitedReviewMode":
      return `[review finished]\n${text(item.review)}`.trim();
    case "contextCompaction":
      return "[context compacted]";
    case "webSearch":
      return `[web search] ${text(item.query)}`.trim();
    case "imageView":
      return `[image viewed] ${text(item.path)}`.trim();
    default:
      return `[codex ${item.type}]`;
  }
}

/** The changeset of a fileChange item: kind, path and diff of each change. */
export function fileChanges(item: Item): Array<{ kind: string; path: string; diff: string }> {
  const list = Array.isArray(item.changes) ? (item.changes as Array<Record<string, unknown>>) : [];
  return list.map((c) => {
    const kind =
      c.kind && typeof c.kind === "object" ? text((c.kind as { type?: unknown }).type) : text(c.kind);
    return { kind, path: text(c.path), diff: typeof c.diff === "string" ? c.diff : "" };
  });
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function asItem(value: unknown): Item | undefined {
  if (!value || typeof value !== "object") return undefined;
  const v = value as Record<string, unknown>;
  return typeof v.type === "string" && typeof v.id === "string" ? (v as Item) : undefined;
}

/** Keeps the head and tail of long text with an explicit marker in between. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const keep = Math.max(0, max - 64);
  const head = Math.ceil(keep * 0.75);
  const tail = keep - head;
  return `${text.slice(0, head)}\n[… truncated ${text.length - head - tail} characters …]\n${tail > 0 ? text.slice(-tail) : ""}`;
}
