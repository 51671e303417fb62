/**
 * Pending approvals: what codex would do, and the decisions it offers. The
 * first answer (from any tab or client) wins; a later one is told so, and the
 * card goes away when the `approval.resolved` event arrives.
 */
import { useState } from "preact/hooks";
import type { ApprovalDecision, ApprovalRequest } from "../../../src/codex/approvalRequests.js";
import type { PendingApproval } from "../../../src/runtime/runtime.js";
import type { Connection } from "../connection.js";
import { act } from "../hooks.js";

type Choice = ApprovalDecision["decision"];

const LABELS: Record<Choice, string> = {
  accept: "Accept",
  acceptForSession: "Accept for session",
  acceptWithExecpolicyAmendment: "Always allow (rule)",
  decline: "Decline",
  cancel: "Cancel turn",
};

function choicesOf(request: ApprovalRequest): Choice[] {
  if (request.command) {
    const offered = request.command.choices.filter((c) => c in LABELS);
    // Decline is always possible (codex accepts it even when not offered).
    return offered.includes("decline") ? offered : [...offered, "decline"];
  }
  if (request.kind === "fileChange" || request.kind === "mcpToolCall")
    return ["accept", "acceptForSession", "decline", "cancel"];
  return ["accept", "decline", "cancel"];
}

export function Approvals({ conn, pending }: { conn: Connection; pending: PendingApproval[] }) {
  if (pending.length === 0) return null;
  return (
    <section class="approvals" aria-label="Pending approvals">
      {pending.map((p) => (
        <ApprovalCard key={p.id} conn={conn} approval={p} />
      ))}
    </section>
  );
}

function ApprovalCard({ conn, approval }: { conn: Connection; approval: PendingApproval }) {
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const r = approval.request;
  const answer = async (decision: Choice) => {
    setBusy(true);
    const res = await act(conn, (rt) => rt.respondApproval(approval.id, { decision }));
    setBusy(false);
    if (!res.ok)
      setNote(
        res.code === "INVALID_STATE" ? "Already answered elsewhere." : `Could not answer: ${res.error}`,
      );
    else setNote(`Sent: ${LABELS[decision]}`);
  };
  const titleId = `approval-${approval.id}`;
  return (
    <section class="approval" aria-labelledby={titleId} data-approval-id={approval.id}>
      <h3 id={titleId}>Approval needed: {r.kind}</h3>
      <p class="plain">{r.summary}</p>
      {r.reason ? <p class="dim plain">Reason: {r.reason}</p> : null}
      {r.command ? (
        <pre class="output">
          $ {r.command.command}
          {r.command.cwd ? `\n(in ${r.command.cwd})` : ""}
        </pre>
      ) : null}
      {r.fileChange ? (
        <ul class="changes">
          {r.fileChange.changes.map((c) => (
            <li key={c.path}>
              {c.kind} <code>{c.path}</code>
            </li>
          ))}
        </ul>
      ) : null}
      {r.mcp ? (
        <pre class="output">
          {r.mcp.server}.{r.mcp.tool ?? "?"} {JSON.stringify(r.mcp.arguments ?? null, null, 2)}
        </pre>
      ) : null}
      <div class="buttons">
        {choicesOf(r).map((c) => (
          <button
            type="button"
            key={c}
            class={c === "accept" || c === "acceptForSession" ? "primary" : c === "cancel" ? "danger" : ""}
            disabled={busy}
            onClick={() => void answer(c)}
          >
            {LABELS[c]}
          </button>
        ))}
      </div>
      {note ? (
        <p class="dim" role="status">
          {note}
        </p>
      ) : null}
    </section>
  );
}
