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
import type { Board } from "../store/board/types.js";
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
  /** Where the kanban board lives; null: the default board (`CODEX_BRIDGE_BOARD`, else `$CODEX_BRIDGE_HOME/board.db`). */
  board: string | null;
  /** The dispatcher holding the lease of the worker's task (worker threads only). */
  taskHolder: string | null;
  /** How far a heartbeat extends the lease (ms); null: the tool's default. */
  leaseMs: number | null;
  /** The store (opened on first use). Throws when the server was started without one. */
  store(): Promise<BridgeStore>;
  /** The kanban board (opened on first use, kept open for later calls). */
  openBoard(): Promise<Board>;
  /** Aborted when the client cancels the call. */
  signal: AbortSignal;
}

export interface ContextSource {
  sessionId: string | null;
  threadId: string | null;
  taskId: string | null;
  storePath: string | null;
  board?: string | null;
  taskHolder?: string | null;
  leaseMs?: number | null;
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
    board: get(IDENTITY_ENV.board),
    taskHolder: get(IDENTITY_ENV.taskHolder),
    leaseMs: positive(get(IDENTITY_ENV.leaseMs)),
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

function positive(value: string | null): number | null {
  const n = value === null ? NaN : Number(value);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** A board opened on first use, shared by all calls; `close()` releases it. */
export interface LazyBoard {
  (): Promise<Board>;
  close(): Promise<void>;
}

/**
 * Opens the board at `location` once, on first use (`openBoard`: a path, a
 * `sqlite:` path or a postgres URL; null: the default board). A failed open
 * is not kept: the next call tries again.
 */
export function lazyBoard(location: string | null): LazyBoard {
  let opened: Promise<Board> | undefined;
  const get = () => {
    opened ??= import("../store/board/open.js")
      .then(({ openBoard }) => openBoard(location ?? undefined))
      .catch((err: unknown) => {
        opened = undefined;
        throw err;
      });
    return opened;
  };
  return Object.assign(get, {
    async close() {
      const current = opened;
      opened = undefined;
      await (await current?.catch(() => undefined))?.close();
    },
  });
}
