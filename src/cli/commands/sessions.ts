import type { Command } from "commander";
import type { TranscriptMessage } from "../../codex/transcript.js";
import { BridgeError } from "../../errors.js";
import type { SessionRecord, TurnRecord } from "../../store/records.js";
import type { BridgeStore } from "../../store/store.js";
import { type Output, setExitCode } from "../output.js";
import { openStore } from "../storeAccess.js";
import { positiveInteger } from "../usage.js";

export function registerSessions(program: Command, out: Output): void {
  const sessions = program
    .command("sessions")
    .description("stored sessions and their transcripts ($CODEX_BRIDGE_HOME/bridge.db)")
    .addHelpText(
      "after",
      "\nA session can be named by its id, a unique prefix of it, or its codex thread id.\nExit status: 0 done, 1 no such session (or a store error), 2 usage error.",
    );
  sessions
    .command("list")
    .description("list stored sessions, most recent first")
    .option("--json", "print a JSON array")
    .option("--limit <n>", "how many, a whole number >= 1", positiveInteger, 50)
    .action((flags: { json?: boolean; limit: number }) => {
      using store = openStore();
      const list = store.listSessions(flags.limit);
      if (flags.json) {
        out.stdout(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      if (list.length === 0) {
        out.stdout("no sessions yet: start one with `codex-bridge run`\n");
        return;
      }
      for (const s of list) out.stdout(sessionLine(s, store.lastTurnStatus(s.id)));
    });
  sessions
    .command("show")
    .description("show one session: its turns and transcript")
    .argument("<id>", "session id, a unique prefix of it, or the codex thread id")
    .option("--json", "print {session, turns, messages} as JSON")
    .action((id: string, flags: { json?: boolean }) => {
      using store = openStore();
      const sessionId = resolve(store, id, "show", out);
      const session = sessionId ? store.getSession(sessionId) : undefined;
      if (!session) return;
      const turns = store.listTurns(session.id);
      const messages = store.listMessages<TranscriptMessage>(session.id).map((m) => m.message);
      if (flags.json) {
        out.stdout(`${JSON.stringify({ session, turns, messages }, null, 2)}\n`);
        return;
      }
      out.stdout(
        `session ${session.id}\nthread  ${session.threadId ?? "-"}\ncwd     ${session.cwd}\nstatus  ${session.status}\n`,
      );
      const task = taskOf(session);
      if (task !== undefined) out.stdout(`task    ${task} (a kanban worker's session)\n`);
      if (turns.length > 0) out.stdout(`turns\n${turns.map(formatTurn).join("")}`);
      out.stdout("\n");
      for (const m of messages) out.stdout(`${formatMessage(m)}\n`);
    });
  sessions
    .command("rm")
    .description("delete sessions with their turns, transcripts and journals (the approvals audit is kept)")
    .argument("<id...>", "session ids, unique prefixes or codex thread ids")
    .option(
      "--force",
      "also delete a session marked running by a process this host cannot check (another machine's)",
    )
    .addHelpText(
      "after",
      "\nA session a live process on this host is running a turn of is never deleted: stop that turn first." +
        "\nThe codex thread itself (in $CODEX_HOME/sessions) is not touched.\nExit status: 0 all deleted, 1 one of them was not found or is running, 2 usage error.",
    )
    .action((ids: string[], flags: { force?: boolean }) => {
      using store = openStore();
      let failed = false;
      for (const id of ids) {
        const sessionId = resolve(store, id, "rm", out);
        const session = sessionId ? store.getSession(sessionId) : undefined;
        if (!session) {
          failed = true;
          continue;
        }
        const live = store.runningTurnOwners(session.id).find((o) => o.state === "alive")?.owner;
        if (live) {
          out.stderr(
            `codex-bridge sessions rm: ${session.id} is running a turn in process ${live.pid} on this host: stop that turn (or the process) first; --force does not delete a session a live process runs\n`,
          );
          failed = true;
          continue;
        }
        if (session.status === "running" && !flags.force) {
          out.stderr(
            `codex-bridge sessions rm: ${session.id} is running (another process may be using it): use --force to delete it anyway\n`,
          );
          failed = true;
          continue;
        }
        store.deleteSession(session.id);
        out.stdout(`deleted ${session.id}\n`);
      }
      if (failed) setExitCode(1);
    });
}

function resolve(store: BridgeStore, ref: string, command: string, out: Output): string | undefined {
  try {
    return store.resolveSessionId(ref);
  } catch (err) {
    if (!(err instanceof BridgeError) || (err.code !== "NOT_FOUND" && err.code !== "AMBIGUOUS")) throw err;
    out.stderr(`codex-bridge sessions ${command}: ${err.message}\n`);
    setExitCode(1);
    return undefined;
  }
}

/** The kanban task a worker session works on, from its stored options. */
function taskOf(s: SessionRecord): string | undefined {
  return typeof s.options.taskId === "string" ? s.options.taskId : undefined;
}

/**
 * `ID  2026-11-23 12:00:00  idle         [kanban task 1a2b3c] title`: one line of `sessions list`.
 * An idle session whose last turn was interrupted shows `interrupted`, as the gateway lists it.
 */
export function sessionLine(s: SessionRecord, lastTurn?: string): string {
  const when = new Date(s.updatedAt).toISOString().replace("T", " ").slice(0, 19);
  const task = taskOf(s);
  const title = (s.title ?? "").split("\n")[0]?.slice(0, 60) ?? "";
  const status = s.status === "idle" && lastTurn === "interrupted" ? "interrupted" : s.status;
  return `${s.id}  ${when}  ${status.padEnd(11)}  ${task === undefined ? "" : `[kanban task ${task}] `}${title}\n`;
}

/** The longest turn status, "interrupted". */
const TURN_STATUS_WIDTH = 11;

/** `  2  failed       RATE_LIMITED: message  (input)`: a turn's status, with its error when it has one. */
function formatTurn(t: TurnRecord): string {
  const error = t.error as { code?: unknown; message?: unknown } | null | undefined;
  const code = typeof error?.code === "string" ? error.code : undefined;
  const message = typeof error?.message === "string" ? error.message.split("\n")[0] : undefined;
  const why = code !== undefined || message !== undefined ? [code, message].filter(Boolean).join(": ") : "";
  const input = (t.inputText.split("\n")[0] ?? "").slice(0, 60);
  const detail = why ? `${why}  (${input})` : input;
  return `  ${String(t.idx).padStart(2)}  ${t.status.padEnd(TURN_STATUS_WIDTH)}  ${detail}\n`;
}

function formatMessage(m: TranscriptMessage): string {
  if (m.tool_calls) {
    return m.tool_calls.map((c) => `assistant → ${c.function.name} ${c.function.arguments}`).join("\n");
  }
  const reasoning = m.reasoning ? `  (reasoning: ${m.reasoning.split("\n")[0]})\n` : "";
  const label = m.role === "tool" ? `tool ${m.tool_call_id ?? ""}` : m.role;
  return `${reasoning}${label}: ${m.content}`;
}
