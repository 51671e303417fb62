import { readFileSync } from "node:fs";
import { type Command, InvalidArgumentError, Option } from "commander";
import type { ApprovalOptions } from "../../codex/approvals.js";
import { CodexBridge } from "../../codex/bridge.js";
import type { Session, SessionOptions } from "../../codex/session.js";
import { type Output, setExitCode } from "../output.js";
import { terminalApprover } from "../prompt.js";
import { HumanRenderer, jsonEvent, jsonResult } from "../render.js";

interface RunFlags {
  cwd?: string;
  session?: string;
  approval: "ask" | "accept" | "decline";
  approvalPolicy?: "untrusted" | "on-request" | "never";
  model?: string;
  sandbox?: "read-only" | "workspace-write" | "danger-full-access";
  json?: boolean;
  timeout?: number;
  codexHome?: string;
}

const EXIT = { completed: 0, failed: 1, interrupted: 130 } as const;

export function registerRun(program: Command, out: Output): void {
  program
    .command("run")
    .description("run one codex turn and stream it (the prompt comes from stdin when not given)")
    .argument("[prompt]", "what to ask codex")
    .option("--cwd <dir>", "working directory of the session (default: the current directory)")
    .option("--session <id>", "continue a stored session (its id is printed after every run)")
    .addOption(
      new Option("--approval <mode>", "how codex-bridge answers codex's approval requests")
        .choices(["ask", "accept", "decline"])
        .default("ask"),
    )
    .addOption(
      new Option(
        "--approval-policy <policy>",
        "when codex asks for approval (default: your codex config)",
      ).choices(["untrusted", "on-request", "never"]),
    )
    .option("--model <model>", "model to use (default: your codex config)")
    .addOption(
      new Option("--sandbox <mode>", "codex sandbox (default: your codex config)").choices([
        "read-only",
        "workspace-write",
        "danger-full-access",
      ]),
    )
    .option("--json", "print one JSON object per event, the last one the turn result")
    .option("--timeout <seconds>", "fail the turn after this many seconds (approval waits excluded)", seconds)
    .option("--codex-home <dir>", "CODEX_HOME for codex (default: $CODEX_HOME or ~/.codex)")
    .addHelpText(
      "after",
      `
--approval ask prompts at the terminal (accept once / for the session / decline);
without a terminal it declines and says so.
Exit status: 0 completed, 1 failed, 130 interrupted, 2 usage error.
Ctrl-C interrupts the turn; a second Ctrl-C exits at once.`,
    )
    .action(async (prompt: string | undefined, flags: RunFlags) => {
      const text = prompt ?? readPromptFromStdin();
      if (!text || text.trim() === "") {
        out.stderr("codex-bridge run: no prompt: give one as an argument or on stdin\n");
        setExitCode(2);
        return;
      }
      setExitCode(await runOnce(text, flags, out));
    });
}

async function runOnce(prompt: string, flags: RunFlags, out: Output): Promise<number> {
  const interactive = process.stdin.isTTY === true && !flags.json;
  const approvals: ApprovalOptions =
    flags.approval === "ask"
      ? interactive
        ? { policy: "ask", onRequest: terminalApprover() }
        : { policy: "decline" }
      : { policy: flags.approval };
  if (flags.approval === "ask" && !interactive) {
    out.stderr(
      "codex-bridge: no terminal to ask on: approval requests will be declined (use --approval accept to allow)\n",
    );
  }
  const bridge = new CodexBridge({
    ...(flags.codexHome ? { codexHome: flags.codexHome } : {}),
    ...(flags.cwd ? { cwd: flags.cwd } : {}),
  });
  const options: SessionOptions = {
    cwd: flags.cwd ?? process.cwd(),
    approvals,
    ...(flags.model ? { model: flags.model } : {}),
    ...(flags.approvalPolicy ? { approvalPolicy: flags.approvalPolicy } : {}),
    ...(flags.sandbox ? { sandbox: flags.sandbox } : {}),
    ...(flags.timeout ? { watchdog: { turnTimeoutMs: flags.timeout * 1000 } } : {}),
  };
  let sigints = 0;
  let session: Session | undefined;
  const onSigint = () => {
    sigints++;
    if (sigints === 1 && session) {
      out.stderr("\ninterrupting… (Ctrl-C again to quit)\n");
      void session.interrupt();
    } else {
      void bridge.close().finally(() => process.exit(130));
    }
  };
  process.on("SIGINT", onSigint);
  try {
    session = flags.session
      ? await bridge.resumeSession(flags.session, options)
      : await bridge.startSession(options);
    const renderer = new HumanRenderer(out);
    const { events, result } = session.runStreamed(prompt);
    for await (const event of events) {
      if (flags.json) out.stdout(jsonEvent(event));
      else renderer.event(event);
    }
    const final = await result;
    if (flags.json) out.stdout(jsonResult(final));
    else renderer.result(final);
    return EXIT[final.status];
  } catch (err) {
    out.stderr(`codex-bridge run: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    process.off("SIGINT", onSigint);
    await bridge.close();
  }
}

function readPromptFromStdin(): string | undefined {
  if (process.stdin.isTTY) return undefined;
  try {
    return readFileSync(0, "utf8");
  } catch {
    return undefined;
  }
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected seconds > 0, got ${JSON.stringify(value)}`);
  return n;
}
