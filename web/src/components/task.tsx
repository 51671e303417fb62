/** A task's detail: body, dependencies, comments, attempts (each linking to its worker's transcript), and its actions. */
import { useEffect, useState } from "preact/hooks";
import type { Task } from "../../../src/store/board/types.js";
import type { Connection, ConnectionState } from "../connection.js";
import { act } from "../hooks.js";

export function TaskDetail({
  conn,
  state,
  taskId,
  version,
}: {
  conn: Connection;
  state: ConnectionState;
  taskId: string;
  /** The board's last event seq: a change reloads the task. */
  version: number;
}) {
  const [task, setTask] = useState<Task | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [text, setText] = useState("");

  useEffect(() => {
    let active = true;
    void act(conn, (rt) => rt.boardGet(taskId)).then((res) => {
      if (!active) return;
      if (res.ok) {
        setTask(res.value);
        setError(null);
      } else setError(res.error);
    });
    return () => {
      active = false;
    };
  }, [conn, state.runtime, taskId, version]);

  const run = async (what: string, call: Parameters<typeof act<Task>>[1]) => {
    setError(null);
    const res = await act(conn, call);
    if (res.ok) {
      setTask(res.value);
      setText("");
    } else setError(`${what}: ${res.error}`);
  };

  if (!task) {
    return error ? (
      <p class="error" role="alert">
        {error}
      </p>
    ) : (
      <p class="dim">Loading {taskId}…</p>
    );
  }
  const closed = task.status === "done" || task.status === "cancelled" || task.status === "failed";
  return (
    <article class="task-detail" aria-labelledby="task-title" data-task-status={task.status}>
      <p>
        <a href="#/board">← New task</a>
      </p>
      <h3 id="task-title">{task.title}</h3>
      <dl class="facts">
        <dt>Status</dt>
        <dd data-testid="task-status">{task.status}</dd>
        <dt>Id</dt>
        <dd>{task.id}</dd>
        <dt>Priority</dt>
        <dd>{task.priority}</dd>
        {task.reason ? (
          <>
            <dt>Reason</dt>
            <dd class="plain">{task.reason}</dd>
          </>
        ) : null}
        {task.result ? (
          <>
            <dt>Result</dt>
            <dd class="plain">{task.result}</dd>
          </>
        ) : null}
      </dl>
      {task.body ? <p class="plain body">{task.body}</p> : null}
      <h4>Depends on</h4>
      {task.dependsOn.length === 0 ? (
        <p class="dim">Nothing.</p>
      ) : (
        <ul>
          {task.dependsOn.map((d) => (
            <li key={d}>
              <a href={`#/board/${encodeURIComponent(d)}`}>{d}</a>
            </li>
          ))}
        </ul>
      )}
      <h4>Attempts</h4>
      {task.attempts.length === 0 ? (
        <p class="dim">None yet.</p>
      ) : (
        <ol class="attempts">
          {task.attempts.map((a) => (
            <li key={a.number}>
              #{a.number} {a.outcome}
              {a.detail ? <span class="plain"> — {a.detail}</span> : null}
              {a.sessionId ? (
                <>
                  {" "}
                  <a href={`#/s/${encodeURIComponent(a.sessionId)}`} data-attempt-session={a.sessionId}>
                    transcript
                  </a>
                </>
              ) : null}
            </li>
          ))}
        </ol>
      )}
      <h4>Comments</h4>
      {task.comments.length === 0 ? (
        <p class="dim">None.</p>
      ) : (
        <ul class="comments">
          {task.comments.map((c, i) => (
            <li key={i}>
              <span class="dim">
                {c.author}, {new Date(c.at).toLocaleString()}:
              </span>{" "}
              <span class="plain">{c.text}</span>
            </li>
          ))}
        </ul>
      )}
      <form
        class="task-actions"
        onSubmit={(e) => {
          e.preventDefault();
          void run("Comment", (rt) => rt.boardComment(task.id, text));
        }}
      >
        <label for="task-text">Comment, block reason or unblock note</label>
        <textarea id="task-text" rows={2} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <div class="buttons">
          <button type="submit" disabled={text.trim() === ""}>
            Comment
          </button>
          {task.status === "blocked" ? (
            <button
              type="button"
              onClick={() =>
                void run("Unblock", (rt) => rt.boardUnblock(task.id, text.trim() || "unblocked"))
              }
            >
              Unblock
            </button>
          ) : !closed && task.status !== "running" ? (
            <button
              type="button"
              disabled={text.trim() === ""}
              onClick={() => void run("Block", (rt) => rt.boardBlock(task.id, text))}
            >
              Block
            </button>
          ) : null}
          {!closed ? (
            <button
              type="button"
              class="danger"
              onClick={() => void run("Cancel", (rt) => rt.boardCancel(task.id))}
            >
              Cancel task
            </button>
          ) : null}
        </div>
      </form>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
    </article>
  );
}
