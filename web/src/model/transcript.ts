/**
 * A session's transcript as the page shows it, built from the gateway's
 * journalled events. Pure data, no DOM: `applyEvents` folds a batch of
 * events into the model and returns a new model whose unchanged entries are
 * the same objects (so the view re-renders only what changed).
 *
 * Every event carries a per-session `seq`; an event at or below the last one
 * applied is counted in `duplicates` and ignored, so a reconnect that replays
 * from the cursor can never show an event twice.
 */
import type { ApprovalRequest } from "../../../src/codex/approvalRequests.js";
import type { TokenUsage, TurnError, TurnStatus } from "../../../src/codex/events.js";
import type { Item } from "../../../src/codex/projector.js";
import type { PendingApproval, RuntimeEvent } from "../../../src/runtime/runtime.js";

export interface ItemEntry {
  kind: "item";
  key: string;
  turnId: string | null;
  /** The codex item as last known (item.started, then item.completed). */
  item: Item;
  /** Streamed text (assistant message or reasoning). */
  text: string;
  /** Streamed command output. */
  output: string;
  completed: boolean;
}

export interface TurnEndEntry {
  kind: "turnEnd";
  key: string;
  turnId: string | null;
  status: TurnStatus;
  usage: TokenUsage | null;
  error: TurnError | null;
}

export interface NoticeEntry {
  kind: "notice";
  key: string;
  turnId: string | null;
  level: "warning" | "error" | "approval";
  text: string;
}

export type Entry = ItemEntry | TurnEndEntry | NoticeEntry;

export interface TranscriptModel {
  /** The cursor: the last seq applied (0 before any). */
  lastSeq: number;
  /** Events received again (seq ≤ lastSeq) and dropped. */
  duplicates: number;
  /** Events applied. */
  applied: number;
  entries: Entry[];
  /** Approvals waiting for an answer, oldest first. */
  pending: PendingApproval[];
  /** A turn started and has not ended. */
  running: boolean;
  /** The usage reported so far by the running turn. */
  usage: TokenUsage | null;
}

export function emptyTranscript(): TranscriptModel {
  return { lastSeq: 0, duplicates: 0, applied: 0, entries: [], pending: [], running: false, usage: null };
}

/** Folds `events` (in order) into `model`. Never mutates `model`. */
export function applyEvents(model: TranscriptModel, events: readonly RuntimeEvent[]): TranscriptModel {
  if (events.length === 0) return model;
  const next: TranscriptModel = { ...model, entries: [...model.entries], pending: [...model.pending] };
  const index = new Map<string, number>();
  next.entries.forEach((e, i) => index.set(e.key, i));
  const put = (entry: Entry): void => {
    const at = index.get(entry.key);
    if (at === undefined) {
      index.set(entry.key, next.entries.length);
      next.entries.push(entry);
    } else next.entries[at] = entry;
  };
  const itemEntry = (key: string, turnId: string | null, item?: Item): ItemEntry => {
    const at = index.get(key);
    const found = at === undefined ? undefined : next.entries[at];
    if (found?.kind === "item") return found;
    return {
      kind: "item",
      key,
      turnId,
      item: item ?? { type: "agentMessage", id: key },
      text: "",
      output: "",
      completed: false,
    };
  };

  for (const ev of events) {
    if (ev.seq <= next.lastSeq) {
      next.duplicates++;
      continue;
    }
    next.lastSeq = ev.seq;
    next.applied++;
    const body = ev.event;
    switch (body.type) {
      case "turn.started":
        next.running = true;
        next.usage = null;
        break;
      case "item.started":
      case "item.completed": {
        const entry = itemEntry(body.item.id, ev.turnId, body.item);
        const completed = body.type === "item.completed";
        // A completed item's own text wins over the streamed copy (deltas may have been coalesced).
        const text = completed ? (itemText(body.item) ?? entry.text) : entry.text;
        put({ ...entry, item: body.item, text, completed: completed || entry.completed });
        break;
      }
      case "text.delta":
      case "reasoning.delta": {
        const entry = itemEntry(
          body.itemId,
          ev.turnId,
          body.type === "reasoning.delta" ? { type: "reasoning", id: body.itemId } : undefined,
        );
        put({ ...entry, text: entry.text + body.delta });
        break;
      }
      case "command.output": {
        const entry = itemEntry(body.itemId, ev.turnId, { type: "commandExecution", id: body.itemId });
        put({ ...entry, output: entry.output + body.delta });
        break;
      }
      case "usage":
        next.usage = body.usage;
        break;
      case "turn.completed": {
        const r = body.result;
        next.running = false;
        put({
          kind: "turnEnd",
          key: `turn-end:${ev.seq}`,
          turnId: ev.turnId ?? r.turnId,
          status: r.status,
          usage: r.usage ?? next.usage,
          error: r.error ?? null,
        });
        next.usage = null;
        // Approvals of an ended turn can no longer be answered.
        next.pending = next.pending.filter((p) => p.request.turnId !== (ev.turnId ?? r.turnId));
        break;
      }
      case "approval.pending":
        if (!next.pending.some((p) => p.id === body.approval.id)) next.pending.push(body.approval);
        break;
      case "approval.requested":
        break;
      case "approval.resolved": {
        next.pending = next.pending.filter((p) => !sameRequest(p.request, body.approval));
        put({
          kind: "notice",
          key: `notice:${ev.seq}`,
          turnId: ev.turnId,
          level: "approval",
          text: `${body.approval.summary} → ${body.decision.decision} (by ${body.decidedBy})`,
        });
        break;
      }
      case "warning":
        break;
      case "error":
        put({
          kind: "notice",
          key: `notice:${ev.seq}`,
          turnId: ev.turnId,
          level: "error",
          text: body.willRetry ? `${body.message} (retrying)` : body.message,
        });
        break;
      case "notification":
        break;
    }
  }
  return next;
}

/** Adds approvals known from `readSession` that the event stream has not announced. */
export function withPending(model: TranscriptModel, pending: readonly PendingApproval[]): TranscriptModel {
  const missing = pending.filter((p) => !model.pending.some((q) => q.id === p.id));
  return missing.length === 0 ? model : { ...model, pending: [...model.pending, ...missing] };
}

function sameRequest(a: ApprovalRequest, b: ApprovalRequest): boolean {
  if (a.id === b.id) return true;
  return a.itemId !== null && a.itemId === b.itemId && a.method === b.method;
}

function itemText(item: Item): string | undefined {
  if (item.type === "agentMessage" && typeof item.text === "string") return item.text;
  if (item.type === "reasoning") {
    const parts = [item.summary, item.content].flatMap((v) =>
      Array.isArray(v) ? v.map(partText).filter((s) => s !== "") : [],
    );
    return parts.length > 0 ? parts.join("\n\n") : undefined;
  }
  return undefined;
}

function partText(v: unknown): string {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && typeof (v as { text?: unknown }).text === "string")
    return (v as { text: string }).text;
  return "";
}

/** The text a user typed, from a userMessage item. */
export function userText(item: Item): string {
  const content = Array.isArray(item.content) ? (item.content as unknown[]) : [];
  return content
    .map((c) => {
      if (!c || typeof c !== "object") return "";
      const p = c as Record<string, unknown>;
      if (typeof p.text === "string") return p.text;
      if (typeof p.path === "string") return `[${String(p.type)}] ${p.path}`;
      if (typeof p.url === "string") return `[image] ${p.url}`;
      return "";
    })
    .filter((s) => s !== "")
    .join("\n");
}

/** The changes of a fileChange item: path, kind, diff. */
export function changesOf(item: Item): Array<{ path: string; kind: string; diff: string }> {
  const list = Array.isArray(item.changes) ? (item.changes as Array<Record<string, unknown>>) : [];
  return list.map((c) => {
    const k = c.kind;
    const tag = k && typeof k === "object" ? (k as { type?: unknown }).type : k;
    return {
      path: typeof c.path === "string" ? c.path : "",
      kind: typeof tag === "string" ? tag : "",
      diff: typeof c.diff === "string" ? c.diff : "",
    };
  });
}
