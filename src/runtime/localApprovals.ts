/**
 * Approvals of LocalRuntime's sessions decided by its clients. A request of
 * a session under the `ask` policy is published to the session's
 * subscribers (journalled as `approval.pending`, so a client replaying from
 * its cursor sees it too) and waits: the first `respond` wins, a later one
 * gets INVALID_STATE. With no subscriber at the moment of the request it is
 * declined at once (fail closed); nobody answering within the session's
 * timeout declines it too (the broker's timeout).
 */
import { BridgeError } from "../errors.js";
import type { ApprovalDecision, ApprovalRequest } from "../codex/approvalRequests.js";
import type { ApprovalHandler } from "../codex/approvals.js";
import type { BridgeStore } from "../store/store.js";
import type { PendingApproval } from "./runtime.js";

/** How many resolved approval ids are remembered to tell "already resolved" from "unknown". */
const RESOLVED_MEMORY = 1000;

interface Waiting {
  approval: PendingApproval;
  answer: (decision: ApprovalDecision) => void;
}

export class ApprovalHub {
  readonly #store: BridgeStore;
  readonly #subscribers: (sessionId: string) => number;
  readonly #pending = new Map<string, Waiting>();
  readonly #resolved = new Set<string>();

  constructor(store: BridgeStore, subscribers: (sessionId: string) => number) {
    this.#store = store;
    this.#subscribers = subscribers;
  }

  /** The approval handler of one session (its `ask` callback). */
  handlerFor(sessionId: string): ApprovalHandler {
    return (request, { signal }) => this.#ask(sessionId, request, signal);
  }

  /** Approvals of the session waiting for an answer now. */
  pendingOf(sessionId: string): PendingApproval[] {
    return [...this.#pending.values()]
      .filter((w) => w.approval.sessionId === sessionId)
      .map((w) => w.approval);
  }

  respond(approvalId: string, decision: ApprovalDecision): void {
    const waiting = this.#pending.get(approvalId);
    if (!waiting) {
      if (this.#resolved.has(approvalId)) {
        throw new BridgeError("INVALID_STATE", `approval ${approvalId} was already resolved`, {
          details: { approvalId },
        });
      }
      throw new BridgeError(
        "NOT_FOUND",
        `no pending approval ${approvalId}: see readSession().pendingApprovals`,
        {
          details: { approvalId },
        },
      );
    }
    this.#settle(approvalId);
    waiting.answer(decision);
  }

  #settle(id: string): void {
    this.#pending.delete(id);
    this.#resolved.add(id);
    if (this.#resolved.size > RESOLVED_MEMORY) {
      const oldest = this.#resolved.values().next().value;
      if (oldest !== undefined) this.#resolved.delete(oldest);
    }
  }

  #ask(sessionId: string, request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision> {
    if (this.#subscribers(sessionId) === 0) {
      return Promise.resolve({
        decision: "decline",
        reason: `no client is subscribed to session ${sessionId} to answer it`,
      });
    }
    const id = `${sessionId}:${request.id}`;
    const approval: PendingApproval = { id, sessionId, request, requestedAt: Date.now() };
    return new Promise<ApprovalDecision>((resolve, reject) => {
      const onAbort = () => {
        if (!this.#pending.has(id)) return;
        this.#settle(id);
        reject(signal.reason instanceof Error ? signal.reason : new Error("the approval was withdrawn"));
      };
      this.#pending.set(id, {
        approval,
        answer: (decision) => {
          signal.removeEventListener("abort", onAbort);
          resolve(decision);
        },
      });
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      // Journalled after it is registered: a client that sees it can answer it at once.
      try {
        this.#store.appendEvent(sessionId, request.turnId, "approval.pending", { approval });
      } catch (err) {
        signal.removeEventListener("abort", onAbort);
        this.#pending.delete(id);
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }
}
