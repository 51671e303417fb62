/**
 * The bridge owns one `codex app-server` process (started lazily, respawned
 * after a crash) and hosts many sessions on it. It routes every
 * server-initiated request to the session of its thread, so each is
 * answered by that session's approval policy; a request for no known thread
 * is declined and audited, never left waiting.
 */
import { resolve } from "node:path";
import { BridgeError } from "../errors.js";
import { defaultStorePath } from "../store/db.js";
import { type JournalOptions, validateJournalOptions } from "../store/journalCap.js";
import { BridgeStore } from "../store/store.js";
import { redactValue, withoutRedacted } from "../util/redact.js";
import {
  BUILTIN_READ_ONLY_TOOLS,
  DEFAULT_AUTO_APPROVED_TOOLS,
  IDENTITY_ENV,
  TOOL_SERVER_NAME,
  toolServerCommand,
} from "../toolServerSpec.js";
import { APPROVAL_METHODS, type ApprovalMethod, parseApprovalRequest } from "./approvalRequests.js";
import { ApprovalBroker, type ApprovalOptions, auditRecord } from "./approvals.js";
import { CodexClient, type CodexClientOptions } from "./client.js";
import type { DynamicToolProvider } from "./dynamicTools.js";
import type { ProjectorOptions } from "./projector.js";
import type { JsonValue } from "./protocol/generated/serde_json/JsonValue.js";
import { Session, type SessionHost, type SessionOptions } from "./session.js";
import type { WatchdogOptions } from "./watchdog.js";

export interface CodexBridgeOptions extends Pick<
  CodexClientOptions,
  | "codexBin"
  | "codexHome"
  | "configOverrides"
  | "experimentalApi"
  | "env"
  | "cwd"
  | "shutdownGraceMs"
  | "clientInfo"
> {
  /**
   * Where sessions, transcripts, the journal and the approvals audit live: a
   * path, an open {@link BridgeStore}, or `false` for memory only.
   * Default `$CODEX_BRIDGE_HOME/bridge.db` (`~/.codex-bridge/bridge.db`).
   */
  store?: string | BridgeStore | false;
  /** Default approval handling for sessions that do not set their own. Default: ask, i.e. decline without a handler. */
  approvals?: ApprovalOptions;
  /** Default turn watchdogs. Defaults: 600 s deadline, 90 s quiet after a tool. */
  watchdog?: WatchdogOptions;
  /** How long to wait for codex to confirm an interrupt before retiring the process. Default 10000 ms. */
  interruptGraceMs?: number;
  /** Largest tool output kept in a transcript message. Default 32000 characters. */
  maxOutputChars?: number;
  /**
   * What the journal keeps: command output per item up to `maxOutputChars`
   * (default: the transcript's cap), entries for `retainDays` (default 30,
   * pruned when the bridge opens its store; `Infinity` keeps all).
   */
  journal?: JournalOptions;
  /**
   * The bridge's own MCP tool server (session search, memory, host tools),
   * given to every thread with that session's identity. `false` leaves it
   * out. `modules`: host tool modules to serve besides those in the bridge
   * config. `autoApprove`: tools codex runs without an approval request, even
   * under approval_policy "never" (default `["memory_write"]`: it writes only
   * the bridge's own memory store). Read-only tools never need approval.
   * Default: on, no extra modules.
   */
  toolServer?: false | { modules?: string[]; autoApprove?: string[] };
  /**
   * In-process tools announced to every thread as codex dynamic tools (an
   * experimental codex API: experimentalApi is turned on) and run in this
   * process, no subprocess. See `dynamicToolProvider` in `codex-bridge/tools`.
   * When given, the MCP tool server is left out unless `toolServer` says otherwise.
   */
  dynamicTools?: DynamicToolProvider;
}

export class CodexBridge implements SessionHost {
  readonly #options: CodexBridgeOptions;
  #client: CodexClient | undefined;
  #starting: Promise<{ client: CodexClient; generation: number }> | undefined;
  #generation = 0;
  #store: BridgeStore | null | undefined;
  readonly #ownsStore: boolean;
  readonly #sessions = new Map<string, Session>();
  readonly #byThread = new Map<string, Session>();
  readonly #fallback: ApprovalBroker;
  #closed = false;
  readonly interruptGraceMs: number;
  readonly projector: ProjectorOptions;
  readonly dynamicTools: DynamicToolProvider | undefined;

  constructor(options: CodexBridgeOptions = {}) {
    this.#options = options;
    this.interruptGraceMs = options.interruptGraceMs ?? 10_000;
    this.dynamicTools = options.dynamicTools;
    if (!(this.interruptGraceMs > 0)) {
      throw new BridgeError(
        "INVALID_OPTION",
        `interruptGraceMs must be > 0, got ${String(options.interruptGraceMs)}`,
      );
    }
    if (
      options.maxOutputChars !== undefined &&
      !(Number.isInteger(options.maxOutputChars) && options.maxOutputChars >= 200)
    ) {
      throw new BridgeError(
        "INVALID_OPTION",
        `maxOutputChars must be a whole number of characters >= 200, got ${String(options.maxOutputChars)}`,
      );
    }
    if (options.journal) validateJournalOptions(options.journal);
    this.projector = options.maxOutputChars === undefined ? {} : { maxOutputChars: options.maxOutputChars };
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
    if (!record) this.#record(session, threadId, merged);
    this.#sessions.set(session.id, session);
    try {
      await session.ensureThread();
    } catch (err) {
      this.#sessions.delete(session.id);
      throw new BridgeError(
        "INVALID_STATE",
        `cannot resume thread ${threadId}: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
    return session;
  }

  /** A live session of this bridge. */
  getSession(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  /** @internal The running client, started (or restarted after a crash) on demand. */
  client(): Promise<{ client: CodexClient; generation: number }> {
    this.#assertOpen();
    const current = this.#client;
    if (current && current.process.exitInfo === undefined && current.process.connection.state === "open") {
      return Promise.resolve({ client: current, generation: this.#generation });
    }
    this.#starting ??= this.#spawn().finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  /** @internal Kills the process (it stopped answering); the next turn starts a new one. */
  async retire(client: CodexClient, _reason: string): Promise<void> {
    if (this.#client === client) this.#client = undefined;
    await client.close({ force: true });
  }

  /** @internal */
  toolServerConfig(session: Session, threadId: string | null): Record<string, JsonValue> {
    const option = this.#options.toolServer;
    if (option === false || (option === undefined && this.#options.dynamicTools)) return {};
    const { command, args } = toolServerCommand();
    const autoApprove = option?.autoApprove ?? DEFAULT_AUTO_APPROVED_TOOLS;
    const env: Record<string, string> = { [IDENTITY_ENV.sessionId]: session.id };
    if (threadId) env[IDENTITY_ENV.threadId] = threadId;
    if (session.options.taskId) env[IDENTITY_ENV.taskId] = session.options.taskId;
    if (this.storePathForTools) env[IDENTITY_ENV.storePath] = this.storePathForTools;
    // The whole table, so the thread gets the server even without a migrated config.toml;
    // codex merges it over a [mcp_servers.codex-bridge-tools] it may already have.
    return {
      [`mcp_servers.${TOOL_SERVER_NAME}`]: {
        command,
        args: [...args, ...(option?.modules ?? []).flatMap((m) => ["--tools", m])],
        env,
        startup_timeout_sec: 20,
        // codex itself refuses non-read-only MCP tools under approval_policy "never"; tools listed
        // here (by default memory_write, which writes only the bridge's own memory) run anyway.
        ...(autoApprove.length > 0
          ? { tools: Object.fromEntries(autoApprove.map((t) => [t, { approval_mode: "approve" }])) }
          : {}),
      },
    };
  }

  /** @internal The bridge's own tools that only read (by their annotations, or the built-in list) need no approval. */
  trustedTool(server: string, tool: string | null, annotations: Record<string, unknown> | null): boolean {
    if (server !== TOOL_SERVER_NAME || tool === null) return false;
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

  /** Stops the app-server and closes the store it opened. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const starting = this.#starting;
    const client =
      this.#client ?? (starting ? await starting.then((s) => s.client).catch(() => undefined) : undefined);
    this.#client = undefined;
    await client?.close();
    if (this.#ownsStore) this.#store?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #spawn(): Promise<{ client: CodexClient; generation: number }> {
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
    this.#client = client;
    this.#generation++;
    return { client, generation: this.#generation };
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
