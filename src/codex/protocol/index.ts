/**
 * The codex app-server protocol as the bridge uses it: types generated from
 * the pinned binary (./generated, see `npm run protocol:generate`) and a
 * method → params/result map for the requests the client sends.
 */
import type { ClientRequest } from "./generated/ClientRequest.js";
import type { InitializeResponse } from "./generated/InitializeResponse.js";
import type { ServerNotification } from "./generated/ServerNotification.js";
import type { ServerRequest } from "./generated/ServerRequest.js";
import type * as v2 from "./generated/v2/index.js";

export { GENERATED_FROM_CODEX_VERSION } from "./generated/codexVersion.js";
export type { ClientRequest, InitializeResponse, ServerNotification, ServerRequest, v2 };

/** Result types of the client requests the bridge sends. */
export interface ClientResults {
  initialize: InitializeResponse;
  "thread/start": v2.ThreadStartResponse;
  "thread/resume": v2.ThreadResumeResponse;
  "thread/fork": v2.ThreadForkResponse;
  "thread/unsubscribe": v2.ThreadUnsubscribeResponse;
  "turn/start": v2.TurnStartResponse;
  "turn/interrupt": v2.TurnInterruptResponse;
  "turn/steer": v2.TurnSteerResponse;
  "review/start": v2.ReviewStartResponse;
  "plugin/list": v2.PluginListResponse;
  "account/read": v2.GetAccountResponse;
  "mcpServerStatus/list": v2.ListMcpServerStatusResponse;
  "config/read": v2.ConfigReadResponse;
  "model/list": v2.ModelListResponse;
}

export type ClientMethod = keyof ClientResults;

/** Params of a client request, taken from the generated request union. */
export type ClientParams<M extends ClientMethod> = Extract<ClientRequest, { method: M }>["params"];

export type ServerNotificationMethod = ServerNotification["method"];
/** Params of a server notification, by method. */
export type NotificationParams<M extends ServerNotificationMethod> = Extract<
  ServerNotification,
  { method: M }
>["params"];

export type ServerRequestMethod = ServerRequest["method"];
/** Params of a server-to-client request, by method. */
export type ServerRequestParams<M extends ServerRequestMethod> = Extract<
  ServerRequest,
  { method: M }
>["params"];
