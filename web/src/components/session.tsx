/** A session: its header, live transcript, pending approvals and the composer (start a turn, steer, cancel). */
import { useEffect, useRef, useState } from "preact/hooks";
import type { Connection, ConnectionState } from "../connection.js";
import { act, useSession } from "../hooks.js";
import { Approvals } from "./approvals.js";
import { EntryView, UsageLine } from "./entry.js";

export function SessionPane({
  conn,
  state,
  sessionId,
}: {
  conn: Connection;
  state: ConnectionState;
  sessionId: string;
}) {
  const { model, summary, error } = useSession(conn, state, sessionId);
  const [actionError, setActionError] = useState<string | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const stick = useRef(true);

  // Follow the bottom while the reader is there.
  useEffect(() => {
    const el = listRef.current?.parentElement;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [model]);

  const running = model.running || summary?.status === "running";
  const run = async (what: string, call: Parameters<typeof act>[1]) => {
    setActionError(null);
    const res = await act(conn, call);
    if (!res.ok) setActionError(`${what}: ${res.error}`);
    return res.ok;
  };

  return (
    <section class="session" aria-labelledby="session-title">
      <header class="session-head">
        <h2 id="session-title">{summary?.title ?? `Session ${sessionId}`}</h2>
        <dl class="facts">
          <dt>Status</dt>
          <dd data-testid="session-status">{running ? "running" : (summary?.status ?? "…")}</dd>
          <dt>cwd</dt>
          <dd>{summary?.cwd ?? "—"}</dd>
          <dt>Model</dt>
          <dd>{summary?.model ?? "—"}</dd>
          {summary?.taskId ? (
            <>
              <dt>Task</dt>
              <dd>
                <a href={`#/board/${encodeURIComponent(summary.taskId)}`}>{summary.taskId}</a>
              </dd>
            </>
          ) : null}
        </dl>
        {running ? (
          <button
            type="button"
            class="danger"
            onClick={() => void run("Cancel", (rt) => rt.cancelTurn(sessionId))}
          >
            Cancel turn
          </button>
        ) : null}
      </header>
      <div
        class="transcript-scroll"
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      >
        <ol
          class="transcript"
          ref={listRef}
          aria-label="Transcript"
          aria-live="polite"
          data-last-seq={model.lastSeq}
          data-applied={model.applied}
          data-duplicates={model.duplicates}
        >
          {model.entries.map((entry) => (
            <EntryView key={entry.key} entry={entry} />
          ))}
        </ol>
        {running ? (
          <p class="working" role="status">
            codex is working{model.usage ? <UsageLine usage={model.usage} /> : null}
          </p>
        ) : null}
      </div>
      <Approvals conn={conn} pending={model.pending} />
      {error || actionError ? (
        <p class="error" role="alert">
          {actionError ?? error}
        </p>
      ) : null}
      <Composer
        running={running}
        disabled={state.status !== "open"}
        onSend={(text) =>
          running
            ? run("Steer", (rt) => rt.steerTurn(sessionId, text))
            : run("Start turn", (rt) => rt.startTurn({ sessionId, input: text }))
        }
      />
    </section>
  );
}

function Composer({
  running,
  disabled,
  onSend,
}: {
  running: boolean;
  disabled: boolean;
  onSend: (text: string) => Promise<boolean>;
}) {
  const [text, setText] = useState("");
  const [sending, setSending] = useState(false);
  const submit = async (e?: Event) => {
    e?.preventDefault();
    if (text.trim() === "" || sending) return;
    setSending(true);
    const ok = await onSend(text);
    setSending(false);
    if (ok) setText("");
  };
  return (
    <form class="composer" onSubmit={(e) => void submit(e)}>
      <label for="composer-input">{running ? "Steer the running turn" : "Message"}</label>
      <textarea
        id="composer-input"
        rows={3}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void submit();
        }}
        placeholder={running ? "Tell codex to change course…" : "Ask codex… (Ctrl+Enter sends)"}
      />
      <button type="submit" class="primary" disabled={disabled || sending || text.trim() === ""}>
        {running ? "Steer" : "Send"}
      </button>
    </form>
  );
}
