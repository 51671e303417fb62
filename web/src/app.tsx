/** The console's shell: header with the connection state, navigation, and the routed view. */
import { useState } from "preact/hooks";
import { BoardPane } from "./components/board.js";
import { SessionPane } from "./components/session.js";
import { NewSession, SessionList } from "./components/sessions.js";
import type { Connection, ConnectionState } from "./connection.js";
import { useConnection, useRoute, useSessions } from "./hooks.js";

export function App({ conn }: { conn: Connection }) {
  const state = useConnection(conn);
  const route = useRoute();
  const { sessions, reload } = useSessions(state);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <h1>codex-bridge</h1>
        <nav aria-label="Views">
          <a href="#/" aria-current={route.view === "sessions" ? "page" : undefined}>
            Sessions
          </a>
          <a href="#/board" aria-current={route.view === "board" ? "page" : undefined}>
            Board
          </a>
        </nav>
        <ConnectionBadge state={state} onRetry={() => conn.retryNow()} />
      </header>
      {state.status === "refused" ? <TokenPrompt conn={conn} state={state} /> : null}
      <main id="main" tabIndex={-1}>
        {route.view === "board" ? (
          <BoardPane conn={conn} state={state} taskId={route.taskId} />
        ) : (
          <div class="sessions-layout">
            <aside class="sidebar">
              <NewSession conn={conn} onStarted={reload} />
              <h2>Sessions</h2>
              <SessionList sessions={sessions} current={route.sessionId} />
            </aside>
            {route.sessionId ? (
              <SessionPane key={route.sessionId} conn={conn} state={state} sessionId={route.sessionId} />
            ) : (
              <p class="dim placeholder">Open a session, or start one.</p>
            )}
          </div>
        )}
      </main>
    </>
  );
}

const LABEL: Record<ConnectionState["status"], string> = {
  connecting: "Connecting…",
  open: "Connected",
  reconnecting: "Connection lost — reconnecting…",
  refused: "Not connected",
};

function ConnectionBadge({ state, onRetry }: { state: ConnectionState; onRetry: () => void }) {
  return (
    <div class={`conn conn-${state.status}`} role="status" aria-live="polite" data-connection={state.status}>
      <span class="dot" aria-hidden="true" />
      {LABEL[state.status]}
      {state.status === "reconnecting" || state.status === "refused" ? (
        <button type="button" onClick={onRetry}>
          Retry now
        </button>
      ) : null}
    </div>
  );
}

function TokenPrompt({ conn, state }: { conn: Connection; state: ConnectionState }) {
  const [token, setToken] = useState("");
  return (
    <form
      class="token-prompt"
      aria-label="Gateway token"
      onSubmit={(e) => {
        e.preventDefault();
        conn.setToken(token);
        setToken("");
      }}
    >
      <p role="alert">
        Could not connect to the gateway{state.error ? ` (${state.error})` : ""}. If it needs a token, enter
        it here; it is kept for this tab only.
      </p>
      <label for="token-input">Token</label>
      <input
        id="token-input"
        type="password"
        autoComplete="off"
        value={token}
        onInput={(e) => setToken(e.currentTarget.value)}
      />
      <button type="submit" class="primary">
        Connect
      </button>
    </form>
  );
}
