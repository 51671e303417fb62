// `codex-bridge run`: one turn, streamed to the terminal. Owns the signals
// (Ctrl-C interrupts, a second one exits), a closed stdout (EPIPE:
// interrupt, exit 141), the login check before the first turn, and the
// warning when codex's approval policy means --approval cannot stop anything.
import type { ApprovalOptions } from "../codex/approvals.js";
import { CodexBridge } from "../codex/bridge.js";
import { httpToolEndpoint } from "../mcp/httpEndpoint.js";
import type { CodexClient } from "../codex/client.js";
import type { Session, SessionOptions } from "../codex/session.js";
import type { TomlValue } from "../util/toml.js";
import { EPIPE_EXIT, onStdoutClosed, type Output, stdoutClosed } from "./output.js";
import { declineWithoutTerminal, terminalApprover } from "./prompt.js";
import { HumanRenderer, jsonEvent } from "./render.js";
import { reportTurnResult } from "./runResult.js";
import { openStore } from "./storeAccess.js";
import { StatusLine, styleFor } from "./style.js";

export interface RunFlags {
  prompt: string;
  cwd: string;
  /** --cwd was given (a resumed session otherwise keeps its own). */
  cwdGiven: boolean;
  /** A stored session id, already resolved. */
  sessionId?: string;
  approval: "ask" | "accept" | "decline";
  /** --approval was given on the command line (not the default). */
  approvalExplicit: boolean;
  approvalPolicy?: "untrusted" | "on-request" | "never";
  model?: string;
  sandbox?: "read-only" | "workspace-write" | "danger-full-access";
  json: boolean;
  timeoutSeconds?: number;
  codexHome?: string;
  outputLastMessage?: string;
  config?: Record<string, TomlValue>;
}

export async function runTurn(flags: RunFlags, out: Output): Promise<number> {
  const style = styleFor(process.stderr);
  const status = new StatusLine((s) => out.stderr(s), {
    enabled: process.stderr.isTTY === true && !flags.json,
    style,
  });
  const store = openStore();
  const bridge = new CodexBridge({
    store,
    ...(flags.codexHome ? { codexHome: flags.codexHome } : {}),
    ...(flags.config ? { configOverrides: flags.config } : {}),
    cwd: flags.cwd,
    // The bridge's tools served from this process over HTTP: no tool-server process per thread.
    toolServer: {
      endpoint: httpToolEndpoint({ log: (line) => out.stderr(`codex-bridge run: tools: ${line}\n`) }),
    },
  });
  let session: Session | undefined;
  let stopping: "ctrl-c" | "epipe" | null = null;
  const stop = (why: "ctrl-c" | "epipe") => {
    if (stopping === null) stopping = why;
    if (!session) return void bridge.close().finally(() => process.exit(why === "epipe" ? EPIPE_EXIT : 130));
    void session.interrupt().catch(() => undefined);
  };
  const approvals = approvalOptions(flags, out, style.yellow, {
    beforeAsk: () => status.clear(),
    onCtrlC: () => stop("ctrl-c"),
  });
  const options: SessionOptions = {
    ...(flags.cwdGiven || !flags.sessionId ? { cwd: flags.cwd } : {}),
    approvals,
    ...(flags.model ? { model: flags.model } : {}),
    ...(flags.approvalPolicy ? { approvalPolicy: flags.approvalPolicy } : {}),
    ...(flags.sandbox ? { sandbox: flags.sandbox } : {}),
    ...(flags.timeoutSeconds ? { watchdog: { turnTimeoutMs: flags.timeoutSeconds * 1000 } } : {}),
  };
  let sigints = 0;
  const onSigint = () => {
    sigints++;
    if (sigints === 1 && session) {
      status.clear();
      out.stderr(`\n${style.yellow("interrupting…")} (Ctrl-C again to quit)\n`);
      stop("ctrl-c");
    } else if (session) {
      // The turn ends "interrupted: the user quit" as the bridge closes under it; the
      // run then reports it and exits 130 as usual. The timer only guards the exit.
      void bridge.close("the user quit");
      setTimeout(() => process.exit(130), 5000).unref();
    } else {
      void bridge.close().finally(() => process.exit(130));
    }
  };
  process.on("SIGINT", onSigint);
  const offClosed = onStdoutClosed(() => stop("epipe"));
  try {
    status.show("starting codex");
    await bridge.checkAccount();
    const { client } = await bridge.client();
    await warnIfApprovalsCannotStop(client, flags, out, style.yellow, () => status.clear());
    session = flags.sessionId
      ? await bridge.resumeSession(flags.sessionId, options)
      : await bridge.startSession(options);
    status.show("codex is working");
    const renderer = new HumanRenderer(out, {
      style,
      status,
      showApprovalRequests: !(flags.approval === "ask" && interactive(flags)),
      ...(flags.timeoutSeconds ? { timeoutSeconds: flags.timeoutSeconds } : {}),
    });
    const { events, result } = session.runStreamed(flags.prompt);
    for await (const event of events) {
      if (stdoutClosed()) continue;
      if (flags.json) out.stdout(jsonEvent(event));
      else renderer.event(event);
    }
    const final = await result;
    return reportTurnResult(final, flags, renderer, out, stopping);
  } catch (err) {
    status.clear();
    if (stopping === "epipe") return EPIPE_EXIT;
    out.stderr(`codex-bridge run: ${style.red(err instanceof Error ? err.message : String(err))}\n`);
    return 1;
  } finally {
    status.clear();
    offClosed();
    process.off("SIGINT", onSigint);
    await bridge.close();
    store.close();
  }
}

function approvalOptions(
  flags: RunFlags,
  out: Output,
  warn: (s: string) => string,
  prompt: { beforeAsk: () => void; onCtrlC: () => void },
): ApprovalOptions {
  if (flags.approval !== "ask") return { policy: flags.approval };
  if (interactive(flags)) {
    return { policy: "ask", onRequest: terminalApprover(prompt) };
  }
  return { policy: "ask", onRequest: declineWithoutTerminal(out, warn, prompt) };
}

/** --approval decline/ask given explicitly, under a policy where codex does not ask for everything. */
async function warnIfApprovalsCannotStop(
  client: CodexClient,
  flags: RunFlags,
  out: Output,
  warn: (s: string) => string,
  clear: () => void,
): Promise<void> {
  if (flags.approval === "accept" || !flags.approvalExplicit) return;
  let policy: unknown = flags.approvalPolicy;
  if (policy === undefined) {
    try {
      policy = (await client.configRead({ includeLayers: false, cwd: flags.cwd })).config.approval_policy;
    } catch {
      return;
    }
  }
  // codex's own default is "on-request".
  policy ??= "on-request";
  const why =
    policy === "never"
      ? 'approval_policy is "never": codex asks for nothing, so --approval cannot stop any command'
      : policy === "on-request"
        ? 'approval_policy is "on-request": codex asks only to leave the sandbox, so --approval cannot stop commands the sandbox allows'
        : null;
  if (!why) return;
  clear();
  out.stderr(`codex-bridge run: ${warn(`warning: ${why}`)} (use --approval-policy untrusted to be asked)\n`);
}

/** A person can be asked at this terminal. */
function interactive(flags: RunFlags): boolean {
  return process.stdin.isTTY === true && !flags.json;
}
