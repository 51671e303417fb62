/**
 * What a running turn does with each notification codex can send: the table
 * is checked against the generated protocol, so regenerating it for a newer
 * codex fails the typecheck until every new notification has been decided.
 *
 * - `handle`: the turn reads it (items, deltas, usage, errors, its own end).
 * - `pass`: forwarded to the host unchanged as a `notification` event (not
 *   journalled) and counted as activity of the turn.
 * - `ignore`: dropped, for the reason given next to it.
 */
import type { ServerNotificationMethod } from "./protocol/index.js";

export type NotificationRoute = "handle" | "pass" | "ignore";

export const NOTIFICATION_ROUTES = {
  // The turn itself.
  "turn/started": "handle",
  "turn/completed": "handle",
  "item/started": "handle",
  "item/completed": "handle",
  "item/agentMessage/delta": "handle",
  "item/reasoning/summaryTextDelta": "handle",
  "item/reasoning/textDelta": "handle",
  "item/commandExecution/outputDelta": "handle",
  "thread/tokenUsage/updated": "handle",
  warning: "handle",
  error: "handle",
  // codex no longer needs an answer to one of its requests: the approval is withdrawn.
  "serverRequest/resolved": "handle",

  // Progress a host may render; the turn has nothing to do with it.
  "thread/started": "pass",
  "thread/status/changed": "pass",
  "thread/readState/changed": "pass",
  "thread/archived": "pass",
  "thread/deleted": "pass",
  "thread/unarchived": "pass",
  "thread/closed": "pass",
  "thread/reverted": "pass",
  "thread/name/updated": "pass",
  "thread/section/changed": "pass",
  "thread/attachment/updated": "pass",
  "thread/goal/updated": "pass",
  "thread/prediction/updated": "pass",
  "thread/goal/cleared": "pass",
  "thread/queue/changed": "pass",
  "thread/project/updated": "pass",
  "thread/environment/connected": "pass",
  "thread/environment/disconnected": "pass",
  "thread/settings/updated": "pass",
  "thread/compacted": "pass",
  "hook/started": "pass",
  "hook/completed": "pass",
  "turn/diff/updated": "pass",
  "turn/plan/updated": "pass",
  "turn/moderationMetadata": "pass",
  "item/autoApprovalReview/started": "pass",
  "item/autoApprovalReview/completed": "pass",
  "autoApprovalReview/strictReviewRequired": "pass",
  "item/plan/delta": "pass",
  "item/commandExecution/terminalInteraction": "pass",
  "item/fileChange/outputDelta": "pass",
  "item/fileChange/patchUpdated": "pass",
  "item/mcpToolCall/progress": "pass",
  "item/reasoning/summaryPartAdded": "pass",
  "mcpServer/startupStatus/updated": "pass",
  "mcpServer/event/stream/notification": "pass",
  "model/rerouted": "pass",
  "model/verification": "pass",
  "model/safetyBuffering/updated": "pass",
  "modelProvider/authRecoveryStarted": "pass",
  "modelProvider/authRecoveryCompleted": "pass",
  guardianWarning: "pass",
  deprecationNotice: "pass",
  configWarning: "pass",

  // The raw model payloads behind items the turn already gets as item/* (they would double the stream).
  "rawResponseItem/completed": "ignore",
  "rawResponse/completed": "ignore",
  // Answers to APIs the bridge never calls (standalone command/exec, processes, fuzzy search, realtime audio).
  "command/exec/outputDelta": "ignore",
  "process/outputDelta": "ignore",
  "process/exited": "ignore",
  "fuzzyFileSearch/sessionUpdated": "ignore",
  "fuzzyFileSearch/sessionCompleted": "ignore",
  "thread/realtime/started": "ignore",
  "thread/realtime/itemAdded": "ignore",
  "thread/realtime/item/started": "ignore",
  "thread/realtime/item/transcript/delta": "ignore",
  "thread/realtime/item/completed": "ignore",
  "thread/realtime/transcript/delta": "ignore",
  "thread/realtime/transcript/done": "ignore",
  "thread/realtime/outputAudio/delta": "ignore",
  "thread/realtime/sdp": "ignore",
  "thread/realtime/error": "ignore",
  "thread/realtime/closed": "ignore",
  // Process-wide state, not of any turn (doctor and the CLI ask for it directly).
  "skills/changed": "ignore",
  "project/changed": "ignore",
  "mcpServer/oauthLogin/completed": "ignore",
  "account/updated": "ignore",
  "account/gatewayOAuth/changed": "ignore",
  "account/rateLimits/updated": "ignore",
  "account/login/completed": "ignore",
  "app/list/updated": "ignore",
  "remoteControl/status/changed": "ignore",
  "externalAgentConfig/import/progress": "ignore",
  "externalAgentConfig/import/completed": "ignore",
  "fs/changed": "ignore",
  "windows/worldWritableWarning": "ignore",
  "windowsSandbox/setupCompleted": "ignore",
} as const satisfies Record<ServerNotificationMethod, NotificationRoute>;

/** The route of a notification; methods newer than the generated protocol are passed to the host. */
export function routeOf(method: string): NotificationRoute {
  return (NOTIFICATION_ROUTES as Record<string, NotificationRoute>)[method] ?? "pass";
}
