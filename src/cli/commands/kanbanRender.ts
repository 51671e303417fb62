// How the kanban commands show tasks: one line per task (list), the whole
// task (show), and the board, one column per status, cut to fit the
// terminal's width (wide characters count double).
import { TASK_STATUSES, type Task, type TaskStatus } from "../../store/board/types.js";

/** Terminal cells a character takes: 2 for East Asian wide characters and emoji, 0 for combining marks. */
function cells(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (
    cp < 32 ||
    (cp >= 0x7f && cp < 0xa0) ||
    (cp >= 0x300 && cp < 0x370) ||
    cp === 0x200d ||
    (cp >= 0xfe00 && cp <= 0xfe0f)
  ) {
    return 0;
  }
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** The width of `text` in terminal cells. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += cells(ch);
  return w;
}

/** `text` on one line (control characters and newlines become spaces), cut to `width` cells with "…", padded to it. */
export function fit(text: string, width: number): string {
  // Control characters (newlines, escapes a title could smuggle into the terminal) become spaces.
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ");
  if (width <= 0) return "";
  let out = "";
  let w = 0;
  const total = displayWidth(flat);
  const room = total > width ? width - 1 : width;
  for (const ch of flat) {
    const c = cells(ch);
    if (w + c > room) break;
    out += ch;
    w += c;
  }
  if (total > width) {
    out += "…";
    w += 1;
  }
  return out + " ".repeat(Math.max(0, width - w));
}

/** Text from the board made safe for a terminal: control characters (an escape sequence in a title…) become "?". */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "?");
}

const time = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);

/** `1 comment`, `2 comments`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** The longest task status, "cancelled". */
const STATUS_WIDTH = Math.max(...TASK_STATUSES.map((s) => s.length));

/** A task's priority cell: `p3`, blank for the default 0. */
const priorityCell = (t: Task) => (t.priority === 0 ? "" : `p${t.priority}`);

/** The priority column's width for these tasks: the widest cell, at least 2 (`p1`). */
export function priorityWidth(tasks: readonly Task[]): number {
  return Math.max(2, ...tasks.map((t) => priorityCell(t).length));
}

/**
 * `id  status  priority  title` for `kanban list` and `kanban create`, the
 * columns aligned: status padded to the longest status, the priority column
 * `width` wide even when blank.
 */
export function taskLine(t: Task, width = priorityWidth([t])): string {
  const status = t.status.padEnd(STATUS_WIDTH);
  return clean(`${t.id}  ${status}  ${priorityCell(t).padEnd(width)}  ${t.title.split("\n")[0] ?? ""}`);
}

/** `kanban list`: one aligned line per task. */
export function taskLines(tasks: readonly Task[]): string {
  const width = priorityWidth(tasks);
  return tasks.map((t) => `${taskLine(t, width)}\n`).join("");
}

/** The whole task, for `kanban show`. */
export function taskDetails(t: Task): string {
  const lines = [
    `task      ${t.id}`,
    `title     ${t.title}`,
    `status    ${t.status}${t.reason ? ` (${t.reason})` : ""}`,
    `priority  ${t.priority}`,
  ];
  if (t.dependsOn.length > 0) lines.push(`depends   ${t.dependsOn.join(", ")}`);
  if (t.cwd) lines.push(`cwd       ${t.cwd}`);
  if (t.lease) lines.push(`lease     ${t.lease.holder} until ${time(t.lease.expiresAt)}`);
  lines.push(`created   ${time(t.createdAt)}`, `updated   ${time(t.updatedAt)}`);
  if (t.result !== null) lines.push(`result    ${t.result}`);
  if (t.artifacts.length > 0) lines.push(`artifacts ${t.artifacts.join(", ")}`);
  if (t.body !== "") lines.push("", ...t.body.split("\n").map((l) => `  ${l}`));
  if (t.attempts.length > 0) {
    lines.push("", "attempts:");
    for (const a of t.attempts) {
      const ended = a.endedAt === null ? "" : ` → ${time(a.endedAt)}`;
      lines.push(
        `  #${a.number} ${a.outcome.padEnd(9)} session ${a.sessionId ?? "-"}  by ${a.holder}  ${time(a.startedAt)}${ended}${a.detail ? `  ${a.detail}` : ""}`,
      );
    }
  }
  if (t.comments.length > 0) {
    lines.push("", "comments:");
    for (const c of t.comments) lines.push(`  ${time(c.at)}  ${c.author}: ${c.text}`);
  }
  return `${clean(lines.join("\n"))}\n`;
}

/**
 * The board: one column per status (all seven, in the order of the state
 * machine), each headed by its name and count, at most `perColumn` tasks
 * each, every line exactly `width` cells or less. Below 7 × 8 cells, the
 * columns are stacked instead.
 */
export function boardView(tasks: readonly Task[], width: number, perColumn: number): string {
  const byStatus = new Map<TaskStatus, Task[]>(TASK_STATUSES.map((s) => [s, []]));
  for (const t of tasks) byStatus.get(t.status)?.push(t);
  const columns = TASK_STATUSES.map((status) => {
    const list = byStatus.get(status) ?? [];
    const shown = list.slice(0, perColumn).map((t) => `${t.id.slice(0, 6)} ${t.title}`);
    if (list.length > perColumn) shown.push(`+${list.length - perColumn} more`);
    return { status, count: list.length, cells: shown };
  });
  const gap = 1;
  const colWidth = Math.floor((width - gap * (columns.length - 1)) / columns.length);
  if (colWidth < 8) {
    return columns
      .map((c) =>
        [
          fit(`${c.status} (${c.count})`, width).trimEnd(),
          ...c.cells.map((x) => fit(`  ${x}`, width).trimEnd()),
        ].join("\n"),
      )
      .join("\n")
      .concat("\n");
  }
  const rows = Math.max(...columns.map((c) => c.cells.length));
  const out: string[] = [
    columns
      .map((c) => fit(c.status, colWidth))
      .join(" ")
      .trimEnd(),
  ];
  // The count sits on the rule under the name, so a narrow column keeps both.
  out.push(columns.map((c) => `── ${c.count} `.padEnd(colWidth, "─").slice(0, colWidth)).join(" "));
  for (let r = 0; r < rows; r++) {
    out.push(
      columns
        .map((c) => fit(c.cells[r] ?? "", colWidth))
        .join(" ")
        .trimEnd(),
    );
  }
  return `${out.join("\n")}\n`;
}
