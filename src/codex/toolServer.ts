/**
 * How each thread gets the bridge's own tool server: the per-thread config
 * (the stdio `mcp-serve` process with the session's identity in its env, or
 * the host's HTTP endpoint with a per-thread secret), and the secrets that
 * map an HTTP request back to its thread. The endpoint itself is injected
 * (a {@link ToolEndpointProvider}, implemented in src/mcp): this layer does
 * not depend on the MCP layer above it.
 */
import { randomBytes } from "node:crypto";
import { BridgeError } from "../errors.js";
import {
  DEFAULT_AUTO_APPROVED_TOOLS,
  WORKER_APPROVED_TOOLS,
  HTTP_TOOL_SERVER_NAME,
  TOOL_SERVER_NAME,
  type ToolCaller,
  type ToolEndpointListener,
  type ToolEndpointProvider,
  toolServerCommand,
  toolServerIdentityEnv,
} from "../toolServerSpec.js";
import type { JsonValue } from "./protocol/generated/serde_json/JsonValue.js";
import type { SessionOptions } from "./sessionTypes.js";

export interface ToolServerOption {
  modules?: string[];
  autoApprove?: string[];
  readyTimeoutMs?: number;
  endpoint?: ToolEndpointProvider;
}

/** What the wiring needs to know of a session. */
export interface ToolServerSession {
  readonly id: string;
  readonly threadId: string | null;
  readonly options: SessionOptions;
}

export class ToolServerWiring {
  readonly #option: ToolServerOption;
  readonly #storePath: () => string | null;
  #endpoint: Promise<ToolEndpointListener> | undefined;
  /** Per-thread endpoint secrets: secret → session, and each session's current secret. */
  readonly #secrets = new Map<string, ToolServerSession>();
  readonly #secretOf = new Map<ToolServerSession, string>();

  /** `storePath`: the store path handed to tools (null without a file-backed store), read when needed. */
  constructor(option: ToolServerOption, storePath: () => string | null) {
    this.#option = option;
    this.#storePath = storePath;
  }

  /** The server's name in codex: `codex-bridge` for the HTTP endpoint, `codex-bridge-tools` for stdio. */
  get name(): string {
    return this.#option.endpoint ? HTTP_TOOL_SERVER_NAME : TOOL_SERVER_NAME;
  }

  /** Per-thread config that gives the thread the tool server with this session's identity. */
  async config(session: ToolServerSession, threadId: string | null): Promise<Record<string, JsonValue>> {
    const option = this.#option;
    const autoApprove = [
      ...(option.autoApprove ?? DEFAULT_AUTO_APPROVED_TOOLS),
      // A worker that cannot report back hangs its task: its handoff tools (own task, board only) always run.
      ...(session.options.taskId ? WORKER_APPROVED_TOOLS : []),
    ];
    // codex itself refuses non-read-only MCP tools under approval_policy "never"; tools listed
    // here (by default memory_write, which writes only the bridge's own memory) run anyway.
    const approvals =
      autoApprove.length > 0
        ? { tools: Object.fromEntries(autoApprove.map((t) => [t, { approval_mode: "approve" }])) }
        : {};
    if (option.endpoint) {
      const { url } = await this.#listen(option.endpoint);
      return {
        [`mcp_servers.${HTTP_TOOL_SERVER_NAME}`]: {
          url,
          // A new secret per thread start or resume; the one before it stops working.
          http_headers: { Authorization: `Bearer ${this.#issueSecret(session)}` },
          startup_timeout_sec: 20,
          ...approvals,
        },
        // The stdio entry `migrate` may have put in config.toml would start a process per thread with
        // no session identity; a full (disabled) table is valid whether or not config.toml has one.
        [`mcp_servers.${TOOL_SERVER_NAME}`]: { command: process.execPath, enabled: false },
      };
    }
    const { command, args } = toolServerCommand();
    const env = toolServerIdentityEnv({
      sessionId: session.id,
      threadId,
      taskId: session.options.taskId ?? null,
      storePath: this.#storePath(),
      ...taskIdentity(session.options),
    });
    // The whole table, so the thread gets the server even without a migrated config.toml;
    // codex merges it over a [mcp_servers.codex-bridge-tools] it may already have.
    return {
      [`mcp_servers.${TOOL_SERVER_NAME}`]: {
        command,
        args: [...args, ...(option.modules ?? []).flatMap((m) => ["--tools", m])],
        env,
        startup_timeout_sec: 20,
        ...approvals,
      },
    };
  }

  /** The session's thread is gone (closed, unloaded): its secret stops working. */
  revoke(session: ToolServerSession): void {
    const secret = this.#secretOf.get(session);
    if (secret === undefined) return;
    this.#secrets.delete(secret);
    this.#secretOf.delete(session);
  }

  /** Revokes every secret and stops the endpoint's listener, if one was started. */
  async close(): Promise<void> {
    this.#secrets.clear();
    this.#secretOf.clear();
    const endpoint = this.#endpoint;
    this.#endpoint = undefined;
    await endpoint?.then((l) => l.close()).catch(() => undefined);
  }

  /** The endpoint's listener, started with the first thread that needs it (again after a failed start). */
  #listen(provider: ToolEndpointProvider): Promise<ToolEndpointListener> {
    this.#endpoint ??= provider
      .listen({ identify: (secret) => this.#identify(secret), modules: this.#option.modules ?? [] })
      .catch((err: unknown) => {
        this.#endpoint = undefined;
        throw new BridgeError(
          "INVALID_STATE",
          `the tool endpoint did not start: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      });
    return this.#endpoint;
  }

  #issueSecret(session: ToolServerSession): string {
    this.revoke(session);
    const secret = randomBytes(32).toString("base64url");
    this.#secrets.set(secret, session);
    this.#secretOf.set(session, secret);
    return secret;
  }

  /** The caller behind a thread's secret, read when each request arrives (the thread id is known by then). */
  #identify(secret: string): ToolCaller | null {
    const session = this.#secrets.get(secret);
    if (!session) return null;
    return {
      sessionId: session.id,
      threadId: session.threadId,
      taskId: session.options.taskId ?? null,
      storePath: this.#storePath(),
      ...taskIdentity(session.options),
    };
  }
}

/** The board and lease part of a thread's tool identity (only what is set). */
export function taskIdentity(o: SessionOptions): { board?: string; taskHolder?: string; leaseMs?: number } {
  const board = o.board ?? process.env.CODEX_BRIDGE_BOARD;
  return {
    ...(board ? { board } : {}),
    ...(o.taskId && o.taskLease ? { taskHolder: o.taskLease.holder, leaseMs: o.taskLease.leaseMs } : {}),
  };
}
