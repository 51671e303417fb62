/**
 * Dynamic tools: tools the host runs in its own process, announced to codex
 * in `thread/start.dynamicTools` and called back through `item/tool/call`
 * (an experimental codex API). The bridge only needs this interface; the
 * tool registry plugs into it from src/mcp (`dynamicToolProvider`).
 */
import type { v2 } from "./protocol/index.js";

/** A function spec as codex's experimental `DynamicToolSpec` has it. */
export interface DynamicToolFunction {
  type: "function";
  name: string;
  description: string;
  inputSchema: unknown;
}

export type DynamicToolSpec =
  | DynamicToolFunction
  | { type: "namespace"; name: string; description: string; tools: DynamicToolFunction[] };

/** Who a dynamic tool call comes from. */
export interface DynamicToolCaller {
  sessionId: string;
  threadId: string;
  taskId: string | null;
  storePath: string | null;
  /** The kanban board, the task's lease holder and lease length (worker sessions of a dispatcher). */
  board?: string | null;
  taskHolder?: string | null;
  leaseMs?: number | null;
}

export interface DynamicToolProvider {
  /** The tools each thread announces. */
  specs(): DynamicToolSpec[];
  /** Runs one call; never throws (failures are `success: false`). */
  call(call: v2.DynamicToolCallParams, caller: DynamicToolCaller): Promise<v2.DynamicToolCallResponse>;
  /** Releases what the calls opened (store handles); called when the bridge closes. Optional. */
  close?(): Promise<void>;
}
