/** The kanban board: one column per status, live; create a task; open a task's detail. */
import { useState } from "preact/hooks";
import { TASK_STATUSES, type Task } from "../../../src/store/board/types.js";
import type { Connection, ConnectionState } from "../connection.js";
import { act, useBoard } from "../hooks.js";
import { TaskDetail } from "./task.js";

export function BoardPane({
  conn,
  state,
  taskId,
}: {
  conn: Connection;
  state: ConnectionState;
  taskId: string | null;
}) {
  const { tasks, lastEvent, error, reload } = useBoard(conn, state);
  if (state.capabilities && !state.capabilities.board) {
    return <p class="dim">This gateway has no kanban board (start it with a board to use one).</p>;
  }
  return (
    <section class="board-pane" aria-labelledby="board-title">
      <h2 id="board-title">Board</h2>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <div class="board-layout">
        <div class="columns" data-last-event={lastEvent?.seq ?? 0}>
          {TASK_STATUSES.map((status) => {
            const column = tasks.filter((t) => t.status === status);
            return (
              <section
                class="column"
                key={status}
                aria-label={`${status} (${column.length})`}
                data-status={status}
              >
                <h3>
                  {status} <span class="count">{column.length}</span>
                </h3>
                <ul>
                  {column.map((t) => (
                    <li key={t.id}>
                      <TaskCard task={t} current={t.id === taskId} />
                    </li>
                  ))}
                </ul>
              </section>
            );
          })}
        </div>
        <aside class="task-side">
          {taskId ? (
            <TaskDetail conn={conn} state={state} taskId={taskId} version={lastEvent?.seq ?? 0} />
          ) : (
            <NewTask conn={conn} tasks={tasks} onCreated={reload} />
          )}
        </aside>
      </div>
    </section>
  );
}

function TaskCard({ task, current }: { task: Task; current: boolean }) {
  return (
    <a
      class="task-card"
      href={`#/board/${encodeURIComponent(task.id)}`}
      aria-current={current ? "page" : undefined}
      data-task-id={task.id}
    >
      <span class="title">{task.title}</span>
      <span class="meta">
        {task.id}
        {task.priority ? ` · p${task.priority}` : ""}
        {task.dependsOn.length ? ` · needs ${task.dependsOn.join(", ")}` : ""}
      </span>
    </a>
  );
}

function NewTask({ conn, tasks, onCreated }: { conn: Connection; tasks: Task[]; onCreated: () => void }) {
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [deps, setDeps] = useState<string[]>([]);
  const [priority, setPriority] = useState("0");
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const res = await act(conn, (rt) =>
      rt.boardCreate({ title, body, dependsOn: deps, priority: Number(priority) || 0 }),
    );
    if (!res.ok) return setError(res.error);
    setTitle("");
    setBody("");
    setDeps([]);
    onCreated();
    location.hash = `#/board/${encodeURIComponent(res.value.id)}`;
  };
  const open = tasks.filter((t) => t.status !== "cancelled" && t.status !== "failed");
  return (
    <form class="new-task" onSubmit={(e) => void submit(e)} aria-label="New task">
      <h3>New task</h3>
      <label>
        Title
        <input required value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      </label>
      <label>
        Body
        <textarea rows={4} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
      </label>
      <label>
        Depends on
        <select multiple onChange={(e) => setDeps([...e.currentTarget.selectedOptions].map((o) => o.value))}>
          {open.map((t) => (
            <option key={t.id} value={t.id} selected={deps.includes(t.id)}>
              {t.title} ({t.id})
            </option>
          ))}
        </select>
      </label>
      <label>
        Priority
        <input type="number" value={priority} onInput={(e) => setPriority(e.currentTarget.value)} />
      </label>
      <button type="submit" class="primary" disabled={title.trim() === ""}>
        Create task
      </button>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
