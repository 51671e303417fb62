import type { Command } from "commander";
import type { TranscriptMessage } from "../../codex/transcript.js";
import { defaultStorePath } from "../../store/db.js";
import { BridgeStore } from "../../store/store.js";
import { type Output, setExitCode } from "../output.js";

export function registerSessions(program: Command, out: Output): void {
  const sessions = program
    .command("sessions")
    .description("stored sessions and their transcripts ($CODEX_BRIDGE_HOME/bridge.db)");
  sessions
    .command("list")
    .description("list stored sessions, most recent first")
    .option("--json", "print a JSON array")
    .option("--limit <n>", "how many", (v) => Number.parseInt(v, 10), 50)
    .action((flags: { json?: boolean; limit: number }) => {
      using store = BridgeStore.open(defaultStorePath());
      const list = store.listSessions(flags.limit);
      if (flags.json) {
        out.stdout(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      if (list.length === 0) {
        out.stdout("no sessions yet: start one with `codex-bridge run`\n");
        return;
      }
      for (const s of list) {
        const when = new Date(s.updatedAt).toISOString().replace("T", " ").slice(0, 19);
        out.stdout(
          `${s.id}  ${when}  ${s.status.padEnd(7)}  ${(s.title ?? "").split("\n")[0]?.slice(0, 60) ?? ""}\n`,
        );
      }
    });
  sessions
    .command("show")
    .description("show one session: its turns and transcript")
    .argument("<id>", "session id (or codex thread id)")
    .option("--json", "print {session, turns, messages} as JSON")
    .action((id: string, flags: { json?: boolean }) => {
      using store = BridgeStore.open(defaultStorePath());
      const session = store.getSession(id) ?? store.findSessionByThread(id);
      if (!session) {
        out.stderr(`codex-bridge sessions show: no session ${id} in ${store.path}\n`);
        setExitCode(1);
        return;
      }
      const turns = store.listTurns(session.id);
      const messages = store.listMessages<TranscriptMessage>(session.id).map((m) => m.message);
      if (flags.json) {
        out.stdout(`${JSON.stringify({ session, turns, messages }, null, 2)}\n`);
        return;
      }
      out.stdout(
        `session ${session.id}\nthread  ${session.threadId ?? "-"}\ncwd     ${session.cwd}\nstatus  ${session.status}\n\n`,
      );
      for (const m of messages) out.stdout(`${formatMessage(m)}\n`);
    });
}

function formatMessage(m: TranscriptMessage): string {
  if (m.tool_calls) {
    return m.tool_calls.map((c) => `assistant → ${c.function.name} ${c.function.arguments}`).join("\n");
  }
  const reasoning = m.reasoning ? `  (reasoning: ${m.reasoning.split("\n")[0]})\n` : "";
  const label = m.role === "tool" ? `tool ${m.tool_call_id ?? ""}` : m.role;
  return `${reasoning}${label}: ${m.content}`;
}
