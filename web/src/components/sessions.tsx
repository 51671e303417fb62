/** The session list (status, cwd, model, last activity) and the form that starts a session. */
import { useState } from "preact/hooks";
import type { SessionSummary, StartSessionParams } from "../../../src/runtime/runtime.js";
import type { Connection } from "../connection.js";
import { act } from "../hooks.js";

export function SessionList({ sessions, current }: { sessions: SessionSummary[]; current: string | null }) {
  if (sessions.length === 0) return <p class="dim">No sessions yet.</p>;
  const sorted = [...sessions].sort((a, b) => b.lastActiveAt - a.lastActiveAt);
  return (
    <ul class="session-list" aria-label="Sessions">
      {sorted.map((s) => (
        <li key={s.id}>
          <a
            href={`#/s/${encodeURIComponent(s.id)}`}
            aria-current={s.id === current ? "page" : undefined}
            data-session-id={s.id}
          >
            <span class={`badge status-${s.status}`}>{s.status}</span>{" "}
            <span class="title">{s.title ?? s.id}</span>
            <span class="meta">
              {s.cwd ?? "—"} · {s.model ?? "default model"} · <Ago at={s.lastActiveAt} />
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}

function Ago({ at }: { at: number }) {
  const s = Math.max(0, Math.round((Date.now() - at) / 1000));
  const text = s < 60 ? `${s}s ago` : s < 3600 ? `${Math.round(s / 60)}m ago` : new Date(at).toLocaleString();
  return <time dateTime={new Date(at).toISOString()}>{text}</time>;
}

/** When codex asks for approval (codex's own policy for the session's turns). */
type CodexApprovalPolicy = NonNullable<StartSessionParams["codexApprovalPolicy"]>;

/** Starts a session and, when a prompt is given, its first turn; then opens it. */
export function NewSession({ conn, onStarted }: { conn: Connection; onStarted: () => void }) {
  const [cwd, setCwd] = useState("");
  const [model, setModel] = useState("");
  const [policy, setPolicy] = useState<NonNullable<StartSessionParams["approvalPolicy"]>>("ask");
  const [asks, setAsks] = useState<CodexApprovalPolicy | "">("");
  const [sandbox, setSandbox] = useState<NonNullable<StartSessionParams["sandbox"]>>("workspace-write");
  const [prompt, setPrompt] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const params: StartSessionParams = {
      approvalPolicy: policy,
      sandbox,
    };
    if (asks) params.codexApprovalPolicy = asks;
    if (cwd.trim()) params.cwd = cwd.trim();
    if (model.trim()) params.model = model.trim();
    const started = await act(conn, (rt) => rt.startSession(params));
    if (!started.ok) {
      setBusy(false);
      setError(`Start session: ${started.error}`);
      return;
    }
    const id = started.value.id;
    location.hash = `#/s/${encodeURIComponent(id)}`;
    onStarted();
    if (prompt.trim()) {
      const turn = await act(conn, (rt) => rt.startTurn({ sessionId: id, input: prompt }));
      if (!turn.ok) setError(`Start turn: ${turn.error}`);
      else setPrompt("");
    }
    setBusy(false);
  };
  return (
    <form class="new-session" onSubmit={(e) => void submit(e)} aria-label="New session">
      <h2>New session</h2>
      <label>
        Working directory
        <input value={cwd} onInput={(e) => setCwd(e.currentTarget.value)} placeholder="gateway default" />
      </label>
      <label>
        Model
        <input value={model} onInput={(e) => setModel(e.currentTarget.value)} placeholder="codex default" />
      </label>
      <label>
        Approvals
        <select value={policy} onChange={(e) => setPolicy(e.currentTarget.value as typeof policy)}>
          <option value="ask">Ask me</option>
          <option value="accept">Accept all</option>
          <option value="decline">Decline all</option>
        </select>
      </label>
      <label>
        When codex asks
        <select value={asks} onChange={(e) => setAsks(e.currentTarget.value as typeof asks)}>
          <option value="">codex's default</option>
          <option value="untrusted">before untrusted commands</option>
          <option value="on-request">when the model asks</option>
          <option value="never">never</option>
        </select>
      </label>
      <label>
        Sandbox
        <select value={sandbox} onChange={(e) => setSandbox(e.currentTarget.value as typeof sandbox)}>
          <option value="read-only">read-only</option>
          <option value="workspace-write">workspace-write</option>
          <option value="danger-full-access">danger-full-access</option>
        </select>
      </label>
      <label>
        First prompt
        <textarea rows={3} value={prompt} onInput={(e) => setPrompt(e.currentTarget.value)} />
      </label>
      <button type="submit" class="primary" disabled={busy}>
        Start session
      </button>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
