/**
 * The gateway's wire protocol: newline-delimited JSON-RPC 2.0, the same over
 * stdio and WebSocket (one JSON-RPC message per WebSocket text frame). The
 * client calls the methods of {@link GATEWAY_METHODS}; the server sends the
 * notifications of {@link GATEWAY_NOTIFICATIONS}. Params and results are the
 * plain types of `runtime.ts`. Imports nothing of Node (the browser client
 * uses it).
 */

/** Client → server requests: method → [params, result] (types in runtime.ts). */
export const GATEWAY_METHODS = {
  /** {} → {version, codexVersion, capabilities}. */
  health: "gateway.health",
  /** StartSessionParams → SessionSummary. */
  sessionStart: "session.start",
  /** {sessionId} → SessionSummary. */
  sessionResume: "session.resume",
  /** {limit?} → {sessions: SessionSummary[]}. */
  sessionList: "session.list",
  /** {sessionId} → SessionDetail. */
  sessionRead: "session.read",
  /** {sessionId} → {}. */
  sessionClose: "session.close",
  /** StartTurnParams → StartedTurn. */
  turnStart: "turn.start",
  /** {sessionId, turnId?} → TurnResult. */
  turnWait: "turn.wait",
  /** {sessionId} → {}. */
  turnCancel: "turn.cancel",
  /** {sessionId, input} → {}. */
  turnSteer: "turn.steer",
  /** {approvalId, decision: ApprovalDecision} → {}; INVALID_STATE when already resolved. */
  approvalRespond: "approval.respond",
  /** {sessionId, after?} → {subscriptionId}; then `event` notifications. */
  eventsSubscribe: "events.subscribe",
  /** {subscriptionId} → {}. */
  eventsUnsubscribe: "events.unsubscribe",
  /** CreateTaskInput → Task. */
  boardCreate: "board.create",
  /** ListTasksOptions → {tasks: Task[]}. */
  boardList: "board.list",
  /** {taskId} → Task. */
  boardGet: "board.get",
  /** {taskId, text} → Task. */
  boardComment: "board.comment",
  /** {taskId, reason} → Task. */
  boardBlock: "board.block",
  /** {taskId, note} → Task. */
  boardUnblock: "board.unblock",
  /** {taskId} → Task. */
  boardCancel: "board.cancel",
  /** {after?} → {subscriptionId}; then `board.event` notifications. */
  boardSubscribe: "board.subscribe",
} as const;

/**
 * What this gateway speaks beyond the base protocol, listed in
 * `gateway.ready` and `gateway.health` as `features`; a client asks for one
 * only when it is listed, so it still works with a gateway that predates it.
 * - `events.batch`: `events.subscribe {batch: true}` sends `events` frames.
 */
export const GATEWAY_FEATURES: readonly string[] = ["events.batch"];

/** Server → client notifications. */
export const GATEWAY_NOTIFICATIONS = {
  /** Sent once on accept: {version, codexVersion, capabilities, features}. */
  ready: "gateway.ready",
  /** {subscriptionId, event: RuntimeEvent}. */
  event: "event",
  /** {subscriptionId, events: RuntimeEvent[]}: several in order, for a subscription made with `batch: true`. */
  events: "events",
  /** {subscriptionId, event: TaskEvent}. */
  boardEvent: "board.event",
  /** {subscriptionId, reason}: the server ended a subscription (session closed, reaped). */
  subscriptionClosed: "subscription.closed",
} as const;

/**
 * Error codes on the wire. JSON-RPC's own (-32700 parse, -32600 invalid
 * request, -32601 method not found, -32602 invalid params naming the field,
 * -32603 internal) plus ours; a bridge error carries its string code in
 * `error.data.code` (NOT_FOUND, INVALID_STATE, LEASE_LOST…).
 */
export const GATEWAY_ERRORS = {
  /** The runtime cannot do this control; `data.control` names it. */
  unsupported: -32010,
  /** A BridgeError; `data.code` is its code. */
  bridge: -32011,
  /** The client is too slow: its send buffer is full (sent as a close reason). */
  overloaded: -32012,
} as const;

/** WebSocket close codes the gateway uses. */
export const GATEWAY_CLOSE = {
  /** The client's send buffer passed its bound; reattach from your cursor. */
  slowConsumer: 4008,
  /** The server is shutting down. */
  goingAway: 1001,
} as const;
