/**
 * The bridge owns its `codex app-server` process (started lazily,
 * respawned after a crash; with `maxAppServers` > 1 a burst of sessions is
 * spread over more, see appServerPool.ts) and hosts many sessions on it. It routes every
 * server-initiated request to the session of its thread, so each is
 * answered by that session's approval policy; a request for no known thread
 * is declined and audited, never left waiting.
 */
import { resolve } from "node:path";
import { BridgeError, JsonRpcError } from "../errors.js";
import { defaultStorePath } from "../store/db.js";
import { BridgeStore } from "../store/store.js";
import { redactValue, withoutRedacted } from "../util/redact.js";
import { BUILTIN_READ_ONLY_TOOLS, WORKER_APPROVED_TOOLS } from "../toolServerSpec.js";
import { type AccountState, assertLoggedIn } from "./account.js";
import { APPROVAL_METHODS, type ApprovalMethod, parseApprovalRequest } from "./approvalRequests.js";
import { ApprovalBroker, auditRecord } from "./approvals.js";
import { AppServerPool, type PooledClient } from "./appServerPool.js";
import { CodexClient } from "./client.js";
import type { DynamicToolProvider } from "./dynamicTools.js";
import type { ProjectorOptions } from "./projector.js";
import type { JsonValue } from "./protocol/generated/serde_json/JsonValue.js";
import { type CodexBridgeOptions, validateBridgeOptions } from "./bridgeOptions.js";
import { Session, type SessionOptions } from "./session.js";
import { ToolServerWiring } from "./toolServer.js";

export type { CodexBridgeOptions } from "./bridgeOptions.js";

export class CodexBridge {
  readonly #options: CodexBridgeOptions;
  readonly #pool: AppServerPool<Session>;
  #store: BridgeStore | null | undefined;
  readonly #ownsStore: boolean;
  readonly #sessions = new Map<string, Session>();
  readonly #byThread = new Map<string, Session>();
  readonly #fallback: ApprovalBroker;
  #closed = false;
  readonly #tools: ToolServerWiring;
  readonly #idleTimer: NodeJS.Timeout | undefined;
  /** @internal */
  readonly interruptGraceMs: number;
  /** @internal */
  readonly projector: ProjectorOptions;
  /** @internal */
  readonly dynamicTools: DynamicToolProvider | undefined;
  /** @internal */
  readonly toolServerReadyTimeoutMs: number;

  constructor(options: CodexBridgeOptions = {}) {
    this.#options = options;
    this.interruptGraceMs = options.interruptGraceMs ?? 10_000;
    this.dynamicTools = options.dynamicTools;
    validateBridgeOptions(options);
    this.#pool = new AppServerPool(() => this.#spawn(), options.maxAppServers ?? 1);
    this.projector = options.maxOutputChars === undefined ? {} : { maxOutputChars: options.maxOutputChars };
    const ready = options.toolServer ? options.toolServer.readyTimeoutMs : undefined;
    this.toolServerReadyTimeoutMs = ready ?? 10_000;
    this.#tools = new ToolServerWiring(options.toolServer || {}, () => this.storePathForTools);
    const idleMs = options.idleTimeoutMs ?? 1_800_000;
    if (idleMs > 0) {
      this.#idleTimer = setInterval(() => this.#unloadIdle(idleMs), Math.min(idleMs, 60_000));
      this.#idleTimer.unref();
    }
    this.#ownsStore = !(options.store instanceof BridgeStore);
    if (options.store instanceof BridgeStore) this.#store = options.store;
    if (options.store instanceof BridgeStore && options.journal)
      options.store.journalOptions = options.journal;
    if (options.store === false) this.#store = null;
    this.#fallback = new ApprovalBroker(
      { policy: "decline" },
      {
        onResolved: (approval, outcome, requestedAt) =>
          this.store?.recordApproval(
            auditRecord(
              null,
              approval,
              {
                ...outcome,
                decision: { ...outcome.decision, reason: "no session of this bridge owns the thread" },
              },
              requestedAt,
            ),
          ),
      },
    );
  }

  /** The store, opened on first use; null when the bridge keeps memory only. */
  get store(): BridgeStore | null {
    if (this.#store === undefined) {
      const option = this.#options.store;
      const journal = { maxOutputChars: this.#options.maxOutputChars, ...this.#options.journal };
      this.#store = BridgeStore.open(typeof option === "string" ? option : defaultStorePath(), {
        journal,
        prune: true,
      });
    }
    return this.#store;
  }

  /** Starts a new session and its codex thread (spawning the app-server on first use). */
  async startSession(options: SessionOptions = {}): Promise<Session> {
    this.#assertOpen();
    const merged = this.#withDefaults(options);
    const session = new Session(this, { options: merged });
    this.#record(session, null, merged);
    this.#sessions.set(session.id, session);
    try {
      await session.ensureThread();
    } catch (err) {
      this.#sessions.delete(session.id);
      this.store?.updateSession(session.id, { status: "failed" });
      throw err;
    }
    return session;
  }

  /**
   * Resumes a stored session by its id, or a codex thread by its thread id,
   * and loads its thread into the app-server so the next turn continues it.
   */
  async resumeSession(idOrThreadId: string, options: SessionOptions = {}): Promise<Session> {
    this.#assertOpen();
    const live = this.#sessions.get(idOrThreadId) ?? this.#byThread.get(idOrThreadId);
    if (live) return live;
    const store = this.store;
    const record = store?.getSession(idOrThreadId) ?? store?.findSessionByThread(idOrThreadId);
    // Secrets were redacted when stored: what is left out must be given again in `options`.
    const stored = withoutRedacted(record?.options ?? {}) as SessionOptions;
    const merged = this.#withDefaults({ ...stored, ...options });
    const threadId = record ? record.threadId : idOrThreadId;
    if (!threadId) {
      throw new BridgeError(
        "INVALID_STATE",
        `session ${idOrThreadId} never started a codex thread: start a new session`,
      );
    }
    const session = new Session(this, { ...(record ? { id: record.id } : {}), threadId, options: merged });
    this.#sessions.set(session.id, session);
    try {
      await session.ensureThread();
    } catch (err) {
      // Nothing of a failed resume stays behind: no live session, no stored one.
      this.#sessions.delete(session.id);
      if (this.#byThread.get(threadId) === session) this.#byThread.delete(threadId);
      // Keep what went wrong (no codex binary, a dead process, a timeout …); codex refusing the thread id
      // (a JSON-RPC error) means there is no such thread.
      if (err instanceof BridgeError) throw err;
      throw new BridgeError(
        err instanceof JsonRpcError ? "NOT_FOUND" : "INVALID_STATE",
        `cannot resume thread ${threadId}: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
    if (!record) this.#record(session, threadId, merged);
    return session;
  }

  /**
   * Asks codex whether it can reach its model: throws `AUTH_REQUIRED`
   * ("run `npx codex login`") when the configured provider needs an OpenAI
   * login and codex has none — before a turn that would otherwise retry for
   * minutes. Resolves with the account. Starts the app-server if needed.
   */
  async checkAccount(): Promise<AccountState> {
    const { client } = await this.client();
    return assertLoggedIn(client);
  }

  /** A live session of this bridge. */
  getSession(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  /** The sessions this bridge has loaded (closed and unloaded ones are not). */
  get sessions(): Session[] {
    return [...this.#sessions.values()];
  }

  /** @internal The session's running client without starting one (null when none runs). */
  currentClient(session?: Session): Promise<PooledClient | null> {
    return Promise.resolve(this.#pool.current(session));
  }

  /** @internal A thread start or resume of the session begins (it is placed on a process); call the result when done. */
  threadStarting(session: Session): () => void {
    this.#assertOpen();
    return this.#pool.threadStarting(session);
  }

  /** @internal The process ids of the running app-servers. */
  get processIds(): number[] {
    return this.#pool.processIds;
  }

  /** @internal A session closed or unloaded: forget it; stop a process it leaves empty or full of released threads. */
  forget(session: Session): void {
    this.#tools.revoke(session);
    if (this.#sessions.get(session.id) === session) this.#sessions.delete(session.id);
    if (session.threadId && this.#byThread.get(session.threadId) === session)
      this.#byThread.delete(session.threadId);
    // Too many released threads holding MCP processes: let the process go (live sessions resume on their next turn).
    const stop = this.#pool.release(session, this.#options.recycleAfterClosed ?? 16, (s) => !s.running);
    void stop?.close().catch(() => undefined);
  }

  /** @internal A session that was unloaded and is used again. */
  adopt(session: Session): void {
    this.#assertOpen();
    this.#sessions.set(session.id, session);
  }

  #unloadIdle(idleMs: number): void {
    const now = Date.now();
    for (const session of this.#sessions.values()) {
      if (!session.running && now - session.lastActiveAt >= idleMs) void session.unload();
    }
  }

  /** @internal The running client of the session's process (any process without one), started or restarted on demand. */
  client(session?: Session): Promise<PooledClient> {
    this.#assertOpen();
    return this.#pool.client(session);
  }

  /** @internal Kills the process (it stopped answering); the next turn starts a new one. */
  async retire(client: CodexClient, _reason: string): Promise<void> {
    this.#pool.retire(client);
    await client.close({ force: true });
  }

  /** @internal Per-thread config that gives the thread the bridge's tool server with this session's identity. */
  async toolServerConfig(session: Session, threadId: string | null): Promise<Record<string, JsonValue>> {
    return this.toolServerName === null ? {} : this.#tools.config(session, threadId);
  }

  /** @internal The tool server's name when threads get it. */
  get toolServerName(): string | null {
    const option = this.#options.toolServer;
    if (option === false || (option === undefined && this.#options.dynamicTools)) return null;
    return this.#tools.name;
  }

  /** @internal The bridge's own tools that only read (by their annotations, or the built-in list) need no approval. */
  trustedTool(
    server: string,
    tool: string | null,
    annotations: Record<string, unknown> | null,
    worker = false,
  ): boolean {
    if (server !== this.toolServerName || tool === null) return false;
    if (worker && WORKER_APPROVED_TOOLS.includes(tool)) return true;
    return annotations?.readOnlyHint === true || BUILTIN_READ_ONLY_TOOLS.includes(tool);
  }

  /** @internal The store path handed to tools (none for a memory-only store). */
  get storePathForTools(): string | null {
    const store = this.store;
    return store && store.path !== ":memory:" ? store.path : null;
  }

  /** @internal */
  bindThread(threadId: string, session: Session): void {
    this.#byThread.set(threadId, session);
  }

  /**
   * Stops the app-servers and closes the store it opened. A turn still
   * running ends `interrupted` with code `BRIDGE_CLOSED` and `reason` as its
   * message (default "the bridge was closed"); to let turns finish, wait for
   * them first, or `interrupt()` them for codex's own clean stop.
   */
  async close(reason = "the bridge was closed"): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#idleTimer);
    for (const session of this.#sessions.values()) session.cutTurn(reason);
    await Promise.all((await this.#pool.drain()).map((c) => c.close()));
    this.#sessions.clear();
    this.#byThread.clear();
    await this.#tools.close();
    await this.dynamicTools?.close?.().catch(() => undefined);
    if (this.#ownsStore) this.#store?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #spawn(): Promise<CodexClient> {
    const o = this.#options;
    const client = await CodexClient.start({
      ...(o.codexBin !== undefined ? { codexBin: o.codexBin } : {}),
      ...(o.codexHome !== undefined ? { codexHome: o.codexHome } : {}),
      ...(o.configOverrides ? { configOverrides: o.configOverrides } : {}),
      ...(o.experimentalApi !== undefined || o.dynamicTools
        ? { experimentalApi: o.experimentalApi ?? true }
        : {}),
      ...(o.env ? { env: o.env } : {}),
      ...(o.cwd ? { cwd: o.cwd } : {}),
      ...(o.shutdownGraceMs !== undefined ? { shutdownGraceMs: o.shutdownGraceMs } : {}),
      ...(o.clientInfo ? { clientInfo: o.clientInfo } : {}),
      ...(o.requestTimeoutMs !== undefined ? { requestTimeoutMs: o.requestTimeoutMs } : {}),
    });
    for (const method of APPROVAL_METHODS) {
      client.handleServerRequest(method, (params, ctx) => this.#route(method, params, ctx.signal));
    }
    client.handleServerRequest("item/tool/call", (params) => {
      const session = this.#byThread.get(params.threadId);
      return session
        ? session.callTool(params)
        : { contentItems: [{ type: "inputText", text: "no session owns this thread" }], success: false };
    });
    if (this.#closed) {
      await client.close();
      throw new BridgeError("INVALID_STATE", "the bridge was closed");
    }
    return client;
  }

  async #route(method: ApprovalMethod, params: unknown, signal: AbortSignal): Promise<unknown> {
    const p = (params ?? {}) as { threadId?: unknown; conversationId?: unknown };
    const threadId = typeof p.threadId === "string" ? p.threadId : p.conversationId;
    const session = typeof threadId === "string" ? this.#byThread.get(threadId) : undefined;
    if (session) return session.decide(method, params, signal);
    return (await this.#fallback.decide(parseApprovalRequest(method, params), signal)).response;
  }

  #record(session: Session, threadId: string | null, options: SessionOptions): void {
    this.store?.createSession({
      id: session.id,
      threadId,
      cwd: options.cwd ?? process.cwd(),
      model: options.model ?? null,
      title: null,
      status: "idle",
      options: storableOptions(options),
    });
  }

  #withDefaults(options: SessionOptions): SessionOptions {
    if (options.cwd !== undefined && (typeof options.cwd !== "string" || options.cwd === "")) {
      throw new BridgeError(
        "INVALID_OPTION",
        `cwd must be a directory path, got ${JSON.stringify(options.cwd)}`,
      );
    }
    return {
      ...options,
      // codex resolves a relative cwd against its own working directory: make it the caller's.
      ...(options.cwd !== undefined ? { cwd: resolve(options.cwd) } : {}),
      ...(options.approvals === undefined && this.#options.approvals
        ? { approvals: this.#options.approvals }
        : {}),
      ...(options.watchdog === undefined && this.#options.watchdog
        ? { watchdog: this.#options.watchdog }
        : {}),
    };
  }

  #assertOpen(): void {
    if (this.#closed) throw new BridgeError("INVALID_STATE", "the bridge is closed");
  }
}

/** The part of the options that can be stored and restored (no callbacks), secrets redacted. */
function storableOptions(o: SessionOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of [
    "cwd",
    "model",
    "approvalPolicy",
    "sandbox",
    "developerInstructions",
    "baseInstructions",
    "config",
    "taskId",
  ] as const) {
    if (o[key] !== undefined) out[key] = o[key];
  }
  return redactValue(out) as Record<string, unknown>;
}
