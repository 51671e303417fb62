// `codex-bridge attach SESSION --remote ws://HOST:PORT`: follow a session of
// a gateway from a cursor, printed as `run` prints a turn. Without --follow
// it exits once it has caught up and no turn is running (a running turn is
// followed to its end); with --follow it stays until Ctrl-C or the session
// is closed.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { connect, type RemoteRuntime } from "../../runtime/clientNode.js";
import type { RuntimeEvent } from "../../runtime/runtime.js";
import { EPIPE_EXIT, onStdoutClosed, type Output, setExitCode, stdoutClosed } from "../output.js";
import { HumanRenderer, jsonEvent, jsonResult } from "../render.js";
import { findRemoteSession, toSessionEvent } from "../runRemote.js";
import { styleFor } from "../style.js";
import { USAGE_EXIT, UsageError } from "../usage.js";

interface Flags {
  remote?: string;
  tokenFile?: string;
  after?: number;
  follow?: boolean;
  json?: boolean;
}

export function registerAttach(program: Command, out: Output): void {
  program
    .command("attach")
    .description("follow a session of a gateway (codex-bridge serve) from a cursor, printed as run prints it")
    .argument("<session>", "the session id on the gateway (or a unique prefix, or its codex thread id)")
    .option("--remote <url>", "the gateway: ws://HOST:PORT (required)")
    .option("--token-file <file>", "a file holding the gateway's token")
    .option(
      "--after <seq>",
      "start after this journal sequence number (default 0: the whole session)",
      cursor,
    )
    .option("--follow", "keep following after the running turn ends (until Ctrl-C or the session closes)")
    .option("--json", "print one JSON object per event (with its seq), and each turn's result")
    .addHelpText(
      "after",
      `
Prints the session's journal after --after, then its live events, each once
and in order: answers on stdout, what codex does on stderr, and after each
finished turn the --after that continues from there (--json: every event
carries its seq). A dropped connection is made again and resumes after the
last event printed.
Without --follow, attach exits once it has caught up and no turn is running.
Exit status: 0, 1 the gateway failed or refused (wrong token), 2 usage
error, 130 Ctrl-C.`,
    )
    .action(async (session: string, flags: Flags) => {
      try {
        if (!flags.remote) throw new UsageError("--remote ws://HOST:PORT is required");
        if (!/^wss?:\/\/\S+$/.test(flags.remote))
          throw new UsageError(`--remote ${flags.remote}: expected ws://HOST:PORT`);
        if (flags.tokenFile !== undefined && !existsSync(flags.tokenFile))
          throw new UsageError(`--token-file ${flags.tokenFile}: no such file`);
        setExitCode(await attach(session, { ...flags, remote: flags.remote }, out));
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        out.stderr(`codex-bridge attach: ${err.message}\n`);
        setExitCode(USAGE_EXIT);
      }
    });
}

function cursor(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected a sequence number >= 0, got ${JSON.stringify(value)}`);
  }
  return n;
}

async function attach(ref: string, flags: Flags & { remote: string }, out: Output): Promise<number> {
  const style = styleFor(process.stderr);
  let runtime: RemoteRuntime | undefined;
  let done!: (code: number) => void;
  const exit = new Promise<number>((r) => (done = r));
  const onSigint = () => done(130);
  process.on("SIGINT", onSigint);
  const offClosed = onStdoutClosed(() => done(EPIPE_EXIT));
  try {
    runtime = await connect(flags.remote, {
      ...(flags.tokenFile ? { tokenFile: resolve(flags.tokenFile) } : {}),
      reconnect: true,
    });
    const sessionId = await findRemoteSession(runtime, ref);
    const snapshot = await runtime.readSession(sessionId);
    if ((flags.after ?? 0) > snapshot.lastSeq) {
      out.stderr(
        `codex-bridge attach: --after ${flags.after ?? 0} is past the end: the journal of ${sessionId} ends at seq ${snapshot.lastSeq}\n`,
      );
    }
    const renderer = new HumanRenderer(out, { style, remote: flags.remote });
    // Caught up = the journal as it was at attach is printed; a turn running then (or started since) is followed to its end.
    let open = snapshot.status === "running";
    let last = flags.after ?? 0;
    const settled = () => !flags.follow && last >= snapshot.lastSeq && !open;
    const onEvent = (e: RuntimeEvent) => {
      last = e.seq;
      if (e.event.type === "turn.started") open = true;
      if (e.event.type === "turn.completed") open = false;
      const event = toSessionEvent(e, snapshot.threadId);
      if (event && !stdoutClosed()) {
        if (flags.json) out.stdout(`${JSON.stringify({ seq: e.seq, ...JSON.parse(jsonEvent(event)) })}\n`);
        else renderer.event(event);
        if (e.event.type === "turn.completed") {
          if (flags.json) out.stdout(jsonResult(e.event.result));
          else renderer.result(e.event.result);
          if (!flags.json) out.stderr(style.dim(`(attach --after ${e.seq} continues from here)`) + "\n");
        }
      }
      if (settled()) done(0);
    };
    const sub = await runtime.subscribe({ sessionId, after: last }, onEvent);
    if (settled()) done(0);
    void sub.closed.then((error) => {
      if (error) out.stderr(`codex-bridge attach: ${style.red(error.message)}\n`);
      done(error ? 1 : 0);
    });
    const code = await exit;
    await sub.close();
    return code;
  } catch (err) {
    out.stderr(`codex-bridge attach: ${style.red(err instanceof Error ? err.message : String(err))}\n`);
    return 1;
  } finally {
    offClosed();
    process.off("SIGINT", onSigint);
    await runtime?.close();
  }
}
