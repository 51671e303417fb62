/**
 * The host-facing chat message shape that codex items are projected into:
 * OpenAI-style roles, tool calls with deterministic ids, and tool results.
 */

export interface TranscriptToolCall {
  /** Deterministic: `codex_<kind>_<itemId>`. */
  id: string;
  type: "function";
  function: {
    name: string;
    /** JSON with sorted keys. */
    arguments: string;
  };
}

export interface TranscriptMessage {
  /** `system` is used for notes about codex activity that are not model words (plans, reviews, compaction). */
  role: "user" | "assistant" | "tool" | "system";
  content: string;
  tool_calls?: TranscriptToolCall[];
  tool_call_id?: string;
  /** Reasoning summary that preceded this assistant message. */
  reasoning?: string;
}

/** A message with where it came from. `key` is unique within a thread and stable across replays. */
export interface ProjectedMessage {
  key: string;
  itemId: string;
  itemType: string;
  turnId: string | null;
  message: TranscriptMessage;
}
