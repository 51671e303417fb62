// `codex-bridge run --remote ws://HOST:PORT`: the same turn as a local run,
// through a gateway (`codex-bridge serve`). The gateway runs codex; this
// process follows the session's events from the cursor before the turn and
// renders them with the local run's renderer, answers approvals the gateway
// forwards (--approval ask), and cancels the turn on Ctrl-C or --timeout.
import type { ApprovalDecision } from "../codex/approvalRequests.js";
import type { ApprovalHandler } from "../codex/approvals.js";
import type { SessionEvent, TurnResult } from "../codex/events.js";
import { BridgeError } from "../errors.js";
import { connect, type RemoteConnectionState, type RemoteRuntime } from "../runtime/clientNode.js";
import type { RuntimeEvent, SessionSummary, StartSessionParams } from "../runtime/runtime.js";
import { EPIPE_EXIT, onStdoutClosed, type Output, stdoutClosed } from "./output.js";
import { declineWithoutTerminal, terminalApprover } from "./prompt.js";
import { HumanRenderer, jsonEvent } from "./render.js";
import { reportTurnResult } from "./runResult.js";
import type { RunFlags } from "./runTurn.js";
import { StatusLine, styleFor } from "./style.js";
import { UsageError } from "./usage.js";

export interface RemoteRunFlags extends Omit<RunFlags, "sessionId" | "codexHome" | "cwd" | "cwdGiven"> {
  /** The session's directory on the gateway's machine; default the gateway's. */
  cwd?: string;
  /** The gateway's ws:// URL. */
  remote: string;
  tokenFile?: string;
  /** --session (an id, a unique prefix or a thread id), resolved on the gateway. */
  session?: string;
  last?: boolean;
}

/** A journalled event in the shape the renderer and `--json` know (a local run's `SessionEvent`). */
export function toSessionEvent(e: RuntimeEvent, threadId: string | null): SessionEvent | null {
  if (e.event.type === "approval.pending") return null;
  const event: SessionEvent = {
    sessionId: e.sessionId,
    threadId: threadId ?? "",
    turnId: e.turnId,
    ...e.event,
  };
  return event;
}

export async function runRemoteTurn(flags: RemoteRunFlags, out: Output): Promise<number> {
  const style = styleFor(process.stderr);
  const status = new StatusLine((s) => out.stderr(s), {
    enabled: process.stderr.isTTY === true && !flags.json,
    style,
  });
  let runtime: RemoteRuntime | undefined;
  let sessionId: string | undefined;
  let stopping: "ctrl-c" | "epipe" | "timeout" | null = null;
  let sigints = 0;
  const stop = (why: "ctrl-c" | "epipe" | "timeout") => {
    stopping ??= why;
    if (!runtime || !sessionId) process.exit(why === "epipe" ? EPIPE_EXIT : 130);
    void runtime.cancelTurn(sessionId).catch(() => undefined);
  };
  const onSigint = () => {
    sigints++;
    if (sigints === 1 && sessionId) {
      status.clear();
      out.stderr(`\n${style.yellow("interrupting…")} (Ctrl-C again to quit)\n`);
      stop("ctrl-c");
    } else {
      process.exit(130);
    }
  };
  process.on("SIGINT", onSigint);
  const offClosed = onStdoutClosed(() => stop("epipe"));
  let timer: NodeJS.Timeout | undefined;
  let renderer: HumanRenderer | undefined;
  try {
    status.show("connecting to the gateway");
    runtime = await connect(flags.remote, {
      ...(flags.tokenFile ? { tokenFile: flags.tokenFile } : {}),
      reconnect: true,
      onConnectionState: (state, error) => {
        const { line, status: shown } = connectionNotice(state, error);
        if (line !== undefined) {
          if (renderer) renderer.notice(line);
          else out.stderr(`${style.yellow(line)}\n`);
        }
        if (shown !== undefined) status.show(shown);
      },
      onReconnectAttempt: ({ attempt, maxAttempts }) =>
        status.show(`gateway connection lost: reconnecting (${attempt}/${maxAttempts})`),
    });
    const session = await openSession(runtime, flags);
    sessionId = session.id;
    status.show("codex is working");
    const human = new HumanRenderer(out, {
      style,
      status,
      showApprovalRequests: !(flags.approval === "ask" && interactive(flags)),
      remote: flags.remote,
      ...(flags.timeoutSeconds ? { timeoutSeconds: flags.timeoutSeconds } : {}),
    });
    renderer = human;
    const approve = approver(flags, out, style.yellow, {
      beforeAsk: () => status.clear(),
      onCtrlC: () => stop("ctrl-c"),
    });
    const rt = runtime;
    // Set once turn.start answers; events before that wait in `early`.
    const turn: { id?: string | null } = {};
    const early: RuntimeEvent[] = [];
    let finish!: (result: TurnResult) => void;
    const finished = new Promise<TurnResult>((resolve) => (finish = resolve));
    const onEvent = (e: RuntimeEvent) => {
      if (turn.id === undefined) return void early.push(e);
      if (e.turnId !== null && turn.id !== null && e.turnId !== turn.id) return;
      if (e.event.type === "approval.pending") {
        const { approval } = e.event;
        if (!approve) return; // --approval accept/decline: the session's policy on the gateway answers
        void Promise.resolve(approve(approval.request, { signal: new AbortController().signal }))
          .then((decision: ApprovalDecision) => rt.respondApproval(approval.id, decision))
          .catch(() => undefined); // another client answered first, or the turn ended
        return;
      }
      const event = toSessionEvent(e, session.threadId);
      if (event && !stdoutClosed()) {
        if (flags.json) out.stdout(jsonEvent(event));
        else human.event(event);
      }
      if (e.event.type === "turn.completed") finish(e.event.result);
    };
    // Subscribe from the cursor before the turn starts: nothing of it is missed.
    const sub = await runtime.subscribe({ sessionId: session.id, after: session.lastSeq }, onEvent);
    const started = await runtime.startTurn({ sessionId: session.id, input: flags.prompt });
    turn.id = started.turnId;
    for (const e of early.splice(0)) onEvent(e);
    if (flags.timeoutSeconds) timer = setTimeout(() => stop("timeout"), flags.timeoutSeconds * 1000);
    const ended = sub.closed.then((error) => {
      throw error ?? new BridgeError("CONNECTION_CLOSED", "the gateway ended the session's event stream");
    });
    let final = await Promise.race([finished, ended]);
    await sub.close();
    if (stopping === "timeout" && final.status === "interrupted") {
      final = {
        ...final,
        error: { code: "TURN_TIMEOUT", message: `the turn ran longer than ${flags.timeoutSeconds} s` },
      };
    }
    return reportTurnResult(final, flags, human, out, stopping);
  } catch (err) {
    status.clear();
    if (err instanceof UsageError) throw err;
    if (stopping === "epipe") return EPIPE_EXIT;
    out.stderr(`codex-bridge run: ${style.red(err instanceof Error ? err.message : String(err))}\n`);
    return 1;
  } finally {
    clearTimeout(timer);
    status.clear();
    offClosed();
    process.off("SIGINT", onSigint);
    await runtime?.close();
  }
}

/** The session to run in: a new one, or the one --session / --last names on the gateway (resumed if it must be). */
async function openSession(runtime: RemoteRuntime, flags: RemoteRunFlags): Promise<SessionSummary> {
  if (flags.session === undefined && !flags.last) {
    const params: StartSessionParams = {
      ...(flags.cwd !== undefined ? { cwd: flags.cwd } : {}),
      approvalPolicy: flags.approval,
      ...(flags.approvalPolicy ? { codexApprovalPolicy: flags.approvalPolicy } : {}),
      ...(flags.model ? { model: flags.model } : {}),
      ...(flags.sandbox ? { sandbox: flags.sandbox } : {}),
      ...(flags.config ? { config: flags.config } : {}),
    };
    return runtime.startSession(params);
  }
  const id = await findSession(runtime, flags);
  const summary = await runtime.readSession(id);
  return summary.status === "idle" || summary.status === "running" ? summary : runtime.resumeSession(id);
}

async function findSession(runtime: RemoteRuntime, flags: RemoteRunFlags): Promise<string> {
  if (flags.last) {
    const sessions = await runtime.listSessions({ limit: 1000 });
    const own = sessions.filter((s) => s.taskId === null);
    const latest = own.sort((a, b) => b.lastActiveAt - a.lastActiveAt)[0];
    if (!latest) {
      throw new UsageError(
        "--last: the gateway has no session yet (kanban workers' do not count): start one without --last",
      );
    }
    return latest.id;
  }
  try {
    return await findRemoteSession(runtime, flags.session ?? "");
  } catch (err) {
    throw err instanceof UsageError ? new UsageError(`--session: ${err.message}`) : err;
  }
}

/** A session of the gateway by id, codex thread id, or unique id prefix; a UsageError when none or several match. */
export async function findRemoteSession(runtime: RemoteRuntime, ref: string): Promise<string> {
  const sessions = await runtime.listSessions({ limit: 1000 });
  const exact = sessions.find((s) => s.id === ref || s.threadId === ref);
  if (exact) return exact.id;
  const matches = sessions.filter((s) => s.id.startsWith(ref));
  if (matches.length === 1 && matches[0]) return matches[0].id;
  if (matches.length > 1)
    throw new UsageError(`${ref} matches ${matches.length} sessions: give more of the id`);
  throw new UsageError(`the gateway has no session ${ref}`);
}

function approver(
  flags: RemoteRunFlags,
  out: Output,
  warn: (s: string) => string,
  prompt: { beforeAsk: () => void; onCtrlC: () => void },
): ApprovalHandler | null {
  if (flags.approval !== "ask") return null;
  if (interactive(flags)) return terminalApprover(prompt);
  return declineWithoutTerminal(out, warn, prompt);
}

function interactive(flags: RemoteRunFlags): boolean {
  return process.stdin.isTTY === true && !flags.json;
}

/**
 * What `run --remote` says when the gateway connection changes: a line when it
 * drops, comes back or is given up (the status line counts the attempts in
 * between, in a terminal). A close by the run itself says nothing.
 */
export function connectionNotice(
  state: RemoteConnectionState,
  error: Error | null,
): { line?: string; status?: string } {
  if (state === "connected") return { line: "reconnected to the gateway", status: "codex is working" };
  if (state === "closed") return error === null ? {} : { line: `gave up on the gateway: ${error.message}` };
  return { line: `gateway connection lost (${error?.message ?? "closed"}): reconnecting` };
}
