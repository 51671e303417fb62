/**
 * Preact hooks that tie views to the connection: the connection state, the
 * hash route, a session's live transcript and the live board. Each
 * subscription is made again after a reconnect from the cursor the view
 * already holds (the last seq it applied).
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type {
  Runtime,
  RuntimeEvent,
  SessionDetail,
  SessionSummary,
  Subscription,
} from "../../src/runtime/runtime.js";
import type { Task, TaskEvent } from "../../src/store/board/types.js";
import { type Connection, type ConnectionState, message } from "./connection.js";
import { applyEvents, emptyTranscript, type TranscriptModel, withPending } from "./model/transcript.js";

export function useConnection(conn: Connection): ConnectionState {
  const [state, setState] = useState(conn.state);
  useEffect(() => {
    const off = conn.onChange(setState);
    // A change between the first render and this effect would otherwise be missed.
    setState(conn.state);
    return off;
  }, [conn]);
  return state;
}

export type Route = { view: "sessions"; sessionId: string | null } | { view: "board"; taskId: string | null };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  if (parts[0] === "board") return { view: "board", taskId: parts[1] || null };
  if (parts[0] === "s") return { view: "sessions", sessionId: parts[1] || null };
  return { view: "sessions", sessionId: null };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

/** Runs a call on the runtime; a failure of the connection itself starts a reconnect. Returns the error text. */
export async function act<T>(
  conn: Connection,
  call: (runtime: Runtime) => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: string; code: string | null }> {
  const runtime = conn.state.runtime;
  if (!runtime) return { ok: false, error: "not connected to the gateway", code: "CONNECTION_CLOSED" };
  try {
    return { ok: true, value: await call(runtime) };
  } catch (error) {
    const code = errorCode(error);
    if (code === "CONNECTION_CLOSED" || code === "TIMEOUT") conn.dropped(runtime, error);
    return { ok: false, error: message(error), code };
  }
}

function errorCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : null;
}

/** Events are applied in batches: one render for a burst (a replay of a long session is one burst). */
const BATCH_MS = 16;

export interface SessionView {
  model: TranscriptModel;
  summary: SessionSummary | null;
  error: string | null;
}

export function useSession(conn: Connection, state: ConnectionState, sessionId: string): SessionView {
  const [view, setView] = useState<SessionView>({ model: emptyTranscript(), summary: null, error: null });
  const modelRef = useRef(emptyTranscript());
  const sessionRef = useRef(sessionId);
  if (sessionRef.current !== sessionId) {
    sessionRef.current = sessionId;
    modelRef.current = emptyTranscript();
  }

  useEffect(() => {
    const runtime = state.runtime;
    if (!runtime) return;
    let active = true;
    let queue: RuntimeEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    let subscription: Subscription | null = null;
    const flush = () => {
      timer = null;
      if (queue.length === 0) return;
      const turnEnded = queue.some(
        (e) => e.event.type === "turn.completed" || e.event.type === "turn.started",
      );
      modelRef.current = applyEvents(modelRef.current, queue);
      queue = [];
      setView((v) => ({ ...v, model: modelRef.current }));
      if (turnEnded) void refresh();
    };
    const refresh = async () => {
      try {
        const detail: SessionDetail = await runtime.readSession(sessionId);
        if (!active) return;
        modelRef.current = withPending(modelRef.current, detail.pendingApprovals);
        const { transcript: _t, pendingApprovals: _p, ...summary } = detail;
        setView((v) => ({ ...v, summary, model: modelRef.current, error: null }));
      } catch (error) {
        if (active) setView((v) => ({ ...v, error: message(error) }));
      }
    };
    const onEvent = (event: RuntimeEvent) => {
      if (!active || event.sessionId !== sessionId) return;
      queue.push(event);
      timer ??= setTimeout(flush, BATCH_MS);
    };
    setView((v) => ({
      model: modelRef.current,
      summary: v.summary?.id === sessionId ? v.summary : null,
      error: null,
    }));
    void (async () => {
      try {
        const sub = await runtime.subscribe({ sessionId, after: modelRef.current.lastSeq }, onEvent);
        if (!active) {
          await sub.close();
          return;
        }
        subscription = sub;
        void sub.closed.then((error) => {
          if (error && active) conn.dropped(runtime, error);
        });
        await refresh();
      } catch (error) {
        if (active) setView((v) => ({ ...v, error: message(error) }));
      }
    })();
    return () => {
      active = false;
      if (timer) clearTimeout(timer);
      // Whatever arrived is applied, so the next subscription starts after it.
      modelRef.current = applyEvents(modelRef.current, queue);
      queue = [];
      void subscription?.close().catch(() => undefined);
    };
  }, [conn, state.runtime, state.generation, sessionId]);

  return view;
}

/** The session list, refreshed on an interval while connected. */
export function useSessions(
  state: ConnectionState,
  everyMs = 2000,
): {
  sessions: SessionSummary[];
  reload: () => void;
} {
  const [sessions, setSessions] = useState<SessionSummary[]>([]);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    const runtime = state.runtime;
    if (!runtime) return;
    let active = true;
    const load = async () => {
      try {
        const list = await runtime.listSessions({ limit: 200 });
        if (active) setSessions(list);
      } catch {
        // The connection's own handling shows a drop; the list keeps its last content.
      }
    };
    void load();
    const id = setInterval(() => void load(), everyMs);
    return () => {
      active = false;
      clearInterval(id);
    };
  }, [state.runtime, state.generation, tick, everyMs]);
  return { sessions, reload };
}

/** The board's tasks, reloaded when a board event arrives; the cursor survives reconnects. */
export function useBoard(
  conn: Connection,
  state: ConnectionState,
): { tasks: Task[]; lastEvent: TaskEvent | null; error: string | null; reload: () => void } {
  const [tasks, setTasks] = useState<Task[]>([]);
  const [lastEvent, setLastEvent] = useState<TaskEvent | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cursor = useRef(0);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    const runtime = state.runtime;
    if (!runtime || state.capabilities?.board === false) return;
    let active = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let subscription: Subscription | null = null;
    const load = async () => {
      timer = null;
      try {
        const list = await runtime.boardList({ limit: 500 });
        if (active) {
          setTasks(list);
          setError(null);
        }
      } catch (e) {
        if (active) setError(message(e));
      }
    };
    void (async () => {
      try {
        const sub = await runtime.boardSubscribe(cursor.current, (event) => {
          if (!active || event.seq <= cursor.current) return;
          cursor.current = event.seq;
          setLastEvent(event);
          timer ??= setTimeout(() => void load(), 50);
        });
        if (!active) return void (await sub.close());
        subscription = sub;
        void sub.closed.then((e) => {
          if (e && active) conn.dropped(runtime, e);
        });
      } catch (e) {
        if (active) setError(message(e));
      }
      await load();
    })();
    return () => {
      active = false;
      if (timer) clearTimeout(timer);
      void subscription?.close().catch(() => undefined);
    };
  }, [conn, state.runtime, state.generation, state.capabilities, tick]);
  return { tasks, lastEvent, error, reload };
}
