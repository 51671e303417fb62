/** The records the store hands out, and how its rows become them. */

export type SessionStatus = "idle" | "running" | "failed" | "closed";
export type TurnStatus = "running" | "completed" | "failed" | "interrupted";

export interface SessionRecord {
  id: string;
  threadId: string | null;
  cwd: string;
  model: string | null;
  title: string | null;
  status: SessionStatus;
  options: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export interface TurnRecord {
  sessionId: string;
  idx: number;
  turnId: string | null;
  status: TurnStatus;
  inputText: string;
  finalText: string | null;
  error: unknown;
  usage: unknown;
  startedAt: number;
  completedAt: number | null;
}

export interface MessageRecord<M = unknown> {
  sessionId: string;
  seq: number;
  key: string;
  turnId: string | null;
  itemId: string | null;
  itemType: string | null;
  role: string;
  message: M;
  createdAt: number;
}

export interface JournalEntry {
  sessionId: string;
  seq: number;
  turnId: string | null;
  type: string;
  payload: unknown;
  createdAt: number;
}

export interface ApprovalRecord {
  id?: number;
  sessionId: string | null;
  threadId: string | null;
  turnId: string | null;
  itemId: string | null;
  kind: string;
  method: string;
  summary: string;
  request: unknown;
  decision: string;
  response: unknown;
  decidedBy: string;
  reason: string | null;
  requestedAt: number;
  decidedAt: number;
}

export type Row = Record<string, unknown>;
export const json = (v: unknown) => JSON.stringify(v ?? null);
export const parse = (v: unknown): unknown => (typeof v === "string" ? JSON.parse(v) : null);
const str = (v: unknown) => (v as string | null) ?? null;

export function toSession(r: Row): SessionRecord {
  return {
    id: String(r.id),
    threadId: str(r.thread_id),
    cwd: String(r.cwd),
    model: str(r.model),
    title: str(r.title),
    status: r.status as SessionStatus,
    options: (parse(r.options_json) as Record<string, unknown>) ?? {},
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function toTurn(r: Row): TurnRecord {
  return {
    sessionId: String(r.session_id),
    idx: Number(r.idx),
    turnId: str(r.turn_id),
    status: r.status as TurnStatus,
    inputText: String(r.input_text),
    finalText: str(r.final_text),
    error: parse(r.error_json),
    usage: parse(r.usage_json),
    startedAt: Number(r.started_at),
    completedAt: r.completed_at === null ? null : Number(r.completed_at),
  };
}

export function toMessage<M>(r: Row): MessageRecord<M> {
  return {
    sessionId: String(r.session_id),
    seq: Number(r.seq),
    key: String(r.msg_key),
    turnId: str(r.turn_id),
    itemId: str(r.item_id),
    itemType: str(r.item_type),
    role: String(r.role),
    message: parse(r.message_json) as M,
    createdAt: Number(r.created_at),
  };
}

export function toEntry(r: Row): JournalEntry {
  return {
    sessionId: String(r.session_id),
    seq: Number(r.seq),
    turnId: str(r.turn_id),
    type: String(r.type),
    payload: parse(r.payload_json),
    createdAt: Number(r.created_at),
  };
}

export function toApproval(r: Row): ApprovalRecord {
  return {
    id: Number(r.id),
    sessionId: str(r.session_id),
    threadId: str(r.thread_id),
    turnId: str(r.turn_id),
    itemId: str(r.item_id),
    kind: String(r.kind),
    method: String(r.method),
    summary: String(r.summary),
    request: parse(r.request_json),
    decision: String(r.decision),
    response: parse(r.response_json),
    decidedBy: String(r.decided_by),
    reason: str(r.reason),
    requestedAt: Number(r.requested_at),
    decidedAt: Number(r.decided_at),
  };
}
