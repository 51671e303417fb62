/**
 * Who a tool call comes from. codex starts one tool server per thread and
 * gives it only an allowlisted environment, so the bridge passes each
 * thread's identity explicitly (thread/start config `env`); nothing here is
 * assumed to be inherited. The store is opened on first use only: start-up
 * stays cheap for the short-lived copies codex starts for status checks.
 */
import { join } from "node:path";
import { BridgeError } from "../errors.js";
import { bridgeHome } from "../paths.js";
import type { BridgeStore } from "../store/store.js";
import { IDENTITY_ENV, NO_STORE } from "../toolServerSpec.js";

export interface ToolContext {
  /** The codex-bridge session this thread belongs to, when the bridge started it. */
  sessionId: string | null;
  threadId: string | null;
  /** The kanban task a worker thread is working on. */
  taskId: string | null;
  /** Path of the bridge's store, when it has one. */
  storePath: string | null;
  /** The store (opened on first use). Throws when the server was started without one. */
  store(): Promise<BridgeStore>;
  /** Aborted when the client cancels the call. */
  signal: AbortSignal;
}

export interface ContextSource {
  sessionId: string | null;
  threadId: string | null;
  taskId: string | null;
  storePath: string | null;
}

/**
 * Identity from the environment codex gave this server process. The store is
 * `CODEX_BRIDGE_STORE`, else the bridge's default `$CODEX_BRIDGE_HOME/bridge.db`
 * (`~/.codex-bridge/bridge.db`): a server started by plain codex or any MCP
 * client works on the user's store. `CODEX_BRIDGE_STORE=:none:` means no store.
 */
export function identityFromEnv(env: NodeJS.ProcessEnv = process.env): ContextSource {
  const get = (name: string) => (env[name] && env[name] !== "" ? env[name] : null);
  const store = get(IDENTITY_ENV.storePath) ?? join(bridgeHome(env), "bridge.db");
  return {
    sessionId: get(IDENTITY_ENV.sessionId),
    threadId: get(IDENTITY_ENV.threadId),
    taskId: get(IDENTITY_ENV.taskId),
    storePath: store === NO_STORE ? null : store,
  };
}

/** A store opened on first use, shared by all calls; `close()` releases it (the next use opens it again). */
export interface LazyStore {
  (): Promise<BridgeStore>;
  close(): Promise<void>;
}

/** Opens the store once, on first use, for all calls of this server. */
export function lazyStore(storePath: string | null): LazyStore {
  let opened: Promise<BridgeStore> | undefined;
  const get = () => {
    if (!storePath) {
      return Promise.reject(
        new BridgeError(
          "INVALID_STATE",
          "this tool needs the bridge's store, and this server has none (the bridge that started it keeps no store file)",
        ),
      );
    }
    opened ??= import("../store/store.js").then(({ BridgeStore }) => BridgeStore.open(storePath));
    return opened;
  };
  return Object.assign(get, {
    async close() {
      const current = opened;
      opened = undefined;
      if (current) (await current.catch(() => undefined))?.close();
    },
  });
}
