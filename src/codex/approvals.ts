/**
 * The approval broker: every server-initiated request gets an answer, always.
 * The policy decides first (accept, decline, rules); `ask` hands the request
 * to the host's callback (a person at a terminal, a UI). No callback, a
 * callback that throws, or one that does not answer in time: decline. Every
 * request and its outcome goes to the audit.
 */
import { BridgeError } from "../errors.js";
import type { ApprovalRecord } from "../store/store.js";
import {
  type ApprovalDecision,
  type ApprovalKind,
  type ApprovalRequest,
  toWireResponse,
} from "./approvalRequests.js";

/** Decides one request. The signal aborts when the request is no longer wanted (timeout, turn over, shutdown). */
export type ApprovalHandler = (
  request: ApprovalRequest,
  context: { signal: AbortSignal },
) => ApprovalDecision | Promise<ApprovalDecision>;

/** A rule of a rules policy. All given conditions must hold. */
export interface ApprovalRule {
  /** Kinds this rule applies to. Default: all. */
  kinds?: ApprovalKind[];
  /** Commands whose argv starts with these words (simple commands only: no pipes, redirections, substitutions). */
  commandPrefix?: string[];
  /** MCP server name (for mcpToolCall / mcpElicitation). */
  mcpServer?: string;
  /** MCP tool name (for mcpToolCall). */
  mcpTool?: string;
  decision: "accept" | "acceptForSession" | "decline";
}

/** `ask`: the handler decides; `accept` / `decline`: always; rules: first match, else `otherwise`. */
export type ApprovalPolicy =
  "ask" | "accept" | "decline" | { rules: ApprovalRule[]; otherwise?: "ask" | "accept" | "decline" };

export interface ApprovalOptions {
  /** Default "ask" (which declines when no handler is set). */
  policy?: ApprovalPolicy;
  /** The callback `ask` uses. */
  onRequest?: ApprovalHandler;
  /** How long `ask` waits for the handler. Default 600000 ms (10 min). */
  timeoutMs?: number;
  /**
   * MCP servers whose tool calls are accepted without asking (the bridge's
   * own tool server is trusted by the bridge itself). Default none here.
   */
  trustedMcpServers?: string[];
}

export type DecidedBy =
  "policy" | "rule" | "handler" | "trusted" | "timeout" | "no-handler" | "error" | "aborted";

export interface ApprovalOutcome {
  decision: ApprovalDecision;
  decidedBy: DecidedBy;
  /** What is sent back to codex. */
  response: unknown;
}

export interface ApprovalHooks {
  /** MCP tool calls this returns true for are accepted without asking (the bridge's read-only tools). */
  trustedTool?(server: string, tool: string | null, annotations: Record<string, unknown> | null): boolean;
  onRequested?(request: ApprovalRequest): void;
  /** The broker starts (`true`) or stops (`false`) waiting on the handler: watchdogs pause meanwhile. */
  onWaiting?(waiting: boolean): void;
  onResolved?(request: ApprovalRequest, outcome: ApprovalOutcome, requestedAt: number): void;
}

export const DEFAULT_APPROVAL_TIMEOUT_MS = 600_000;

export class ApprovalBroker {
  readonly #options: ApprovalOptions;
  readonly #hooks: ApprovalHooks;
  #pending = 0;

  constructor(options: ApprovalOptions = {}, hooks: ApprovalHooks = {}) {
    validateApprovalOptions(options);
    this.#options = options;
    this.#hooks = hooks;
  }

  /** Requests waiting on the handler right now (a watchdog does not count that time as stalling). */
  get pending(): number {
    return this.#pending;
  }

  /** Decides `request`; never throws, never hangs past the timeout. */
  async decide(request: ApprovalRequest, signal?: AbortSignal): Promise<ApprovalOutcome> {
    const requestedAt = Date.now();
    // Hooks store and publish; their failures must never keep codex waiting for its answer.
    this.#safely(() => this.#hooks.onRequested?.(request));
    const outcome = await this.#decide(request, signal);
    this.#safely(() => this.#hooks.onResolved?.(request, outcome, requestedAt));
    return outcome;
  }

  #safely(fn: () => void): void {
    try {
      fn();
    } catch {
      // Reported by the hook's owner (the session turns store failures into turn errors).
    }
  }

  async #decide(request: ApprovalRequest, signal: AbortSignal | undefined): Promise<ApprovalOutcome> {
    const done = (decision: ApprovalDecision, decidedBy: DecidedBy): ApprovalOutcome => ({
      decision,
      decidedBy,
      response: toWireResponse(request, decision),
    });
    if (request.kind === "mcpToolCall" && request.mcp) {
      const { server, tool, annotations } = request.mcp;
      if ((this.#options.trustedMcpServers ?? []).includes(server)) {
        return done({ decision: "accept", reason: `${server} is a trusted tool server` }, "trusted");
      }
      if (this.#hooks.trustedTool?.(server, tool, annotations)) {
        return done({ decision: "accept", reason: `${server}.${tool ?? "?"} only reads` }, "trusted");
      }
    }
    const policy = this.#options.policy ?? "ask";
    let mode: "ask" | "accept" | "decline";
    if (typeof policy === "string") {
      mode = policy;
    } else {
      const rule = policy.rules.find((r) => ruleMatches(r, request));
      if (rule) return done({ decision: rule.decision, reason: "matched a rule" }, "rule");
      mode = policy.otherwise ?? "ask";
    }
    // Questions cannot be answered by a blanket policy: only a handler can answer them.
    if (mode !== "ask" && request.kind !== "userInput") {
      return done({ decision: mode, reason: `policy: ${mode}` }, "policy");
    }
    const handler = this.#options.onRequest;
    if (!handler)
      return done({ decision: "decline", reason: "no approval handler is registered" }, "no-handler");
    return this.#ask(handler, request, signal, done);
  }

  async #ask(
    handler: ApprovalHandler,
    request: ApprovalRequest,
    outer: AbortSignal | undefined,
    done: (d: ApprovalDecision, by: DecidedBy) => ApprovalOutcome,
  ): Promise<ApprovalOutcome> {
    const timeoutMs = this.#options.timeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let withdraw = () => {};
    const onOuterAbort = () => {
      controller.abort(outer?.reason);
      withdraw();
    };
    if (this.#pending++ === 0) this.#safely(() => this.#hooks.onWaiting?.(true));
    try {
      const stop = new Promise<ApprovalOutcome>((resolve) => {
        timer = setTimeout(() => {
          controller.abort(new BridgeError("REQUEST_TIMEOUT", `no approval decision within ${timeoutMs} ms`));
          resolve(done({ decision: "decline", reason: `no decision within ${timeoutMs} ms` }, "timeout"));
        }, timeoutMs);
        timer.unref();
        withdraw = () =>
          resolve(done({ decision: "decline", reason: "the request was withdrawn" }, "aborted"));
      });
      if (outer?.aborted) onOuterAbort();
      else outer?.addEventListener("abort", onOuterAbort, { once: true });
      const answer = Promise.resolve()
        .then(() => handler(request, { signal: controller.signal }))
        .then(checkDecision)
        .then(
          (decision) => done(decision, "handler"),
          (err: unknown) =>
            done(
              {
                decision: "decline",
                reason: `the approval handler failed: ${err instanceof Error ? err.message : String(err)}`,
              },
              "error",
            ),
        );
      return await Promise.race([answer, stop]);
    } finally {
      if (--this.#pending === 0) this.#safely(() => this.#hooks.onWaiting?.(false));
      clearTimeout(timer);
      outer?.removeEventListener("abort", onOuterAbort);
      if (!controller.signal.aborted) controller.abort();
    }
  }
}

function ruleMatches(rule: ApprovalRule, request: ApprovalRequest): boolean {
  if (rule.kinds && !rule.kinds.includes(request.kind)) return false;
  if (rule.commandPrefix) {
    const argv = request.command?.argv;
    if (!argv || rule.commandPrefix.length === 0 || rule.commandPrefix.length > argv.length) return false;
    if (!rule.commandPrefix.every((word, i) => argv[i] === word)) return false;
  }
  if (rule.mcpServer !== undefined && request.mcp?.server !== rule.mcpServer) return false;
  if (rule.mcpTool !== undefined && request.mcp?.tool !== rule.mcpTool) return false;
  return true;
}

const DECISIONS = new Set([
  "accept",
  "acceptForSession",
  "acceptWithExecpolicyAmendment",
  "decline",
  "cancel",
]);

function checkDecision(value: unknown): ApprovalDecision {
  if (value && typeof value === "object" && DECISIONS.has(String((value as ApprovalDecision).decision))) {
    return value as ApprovalDecision;
  }
  throw new Error(
    `it returned ${JSON.stringify(value)}, not {decision: accept|acceptForSession|decline|cancel|…}`,
  );
}

function validateApprovalOptions(options: ApprovalOptions): void {
  const { policy, timeoutMs } = options;
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new BridgeError(
      "INVALID_OPTION",
      `approvals.timeoutMs must be a number of ms > 0, got ${String(timeoutMs)}`,
    );
  }
  if (typeof policy === "string" && !["ask", "accept", "decline"].includes(policy)) {
    throw new BridgeError(
      "INVALID_OPTION",
      `approvals.policy must be ask, accept, decline or {rules}, got ${JSON.stringify(policy)}`,
    );
  }
  if (policy && typeof policy === "object") {
    if (!Array.isArray(policy.rules)) {
      throw new BridgeError("INVALID_OPTION", "approvals.policy.rules must be an array of rules");
    }
    policy.rules.forEach((rule, i) => {
      if (!["accept", "acceptForSession", "decline"].includes(rule.decision)) {
        throw new BridgeError(
          "INVALID_OPTION",
          `approvals.policy.rules[${i}].decision must be accept, acceptForSession or decline, got ${JSON.stringify(rule.decision)}`,
        );
      }
      if (rule.commandPrefix && (!Array.isArray(rule.commandPrefix) || rule.commandPrefix.length === 0)) {
        throw new BridgeError(
          "INVALID_OPTION",
          `approvals.policy.rules[${i}].commandPrefix must be a non-empty array of words`,
        );
      }
    });
  }
}

/** The audit row for one decided request. */
export function auditRecord(
  sessionId: string | null,
  approval: ApprovalRequest,
  outcome: ApprovalOutcome,
  requestedAt: number,
): ApprovalRecord {
  return {
    sessionId,
    threadId: approval.threadId,
    turnId: approval.turnId,
    itemId: approval.itemId,
    kind: approval.kind,
    method: approval.method,
    summary: approval.summary,
    request: approval.params,
    decision: outcome.decision.decision,
    response: outcome.response,
    decidedBy: outcome.decidedBy,
    reason: outcome.decision.reason ?? null,
    requestedAt,
    decidedAt: Date.now(),
  };
}
