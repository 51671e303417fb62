import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type Command, Option } from "commander";
import { BridgeError } from "../../errors.js";
import type { TomlValue } from "../../util/toml.js";
import { type Output, setExitCode } from "../output.js";
import type { RemoteRunFlags } from "../runRemote.js";
import { type RunFlags, runTurn } from "../runTurn.js";
import { openStore } from "../storeAccess.js";
import { configOverride, existingDirectory, seconds, USAGE_EXIT, UsageError } from "../usage.js";

interface Flags {
  cwd?: string;
  session?: string;
  last?: boolean;
  approval: "ask" | "accept" | "decline";
  approvalPolicy?: "untrusted" | "on-request" | "never";
  model?: string;
  sandbox?: "read-only" | "workspace-write" | "danger-full-access";
  json?: boolean;
  timeout?: number;
  codexHome?: string;
  outputLastMessage?: string;
  config?: Record<string, TomlValue>;
  remote?: string;
  tokenFile?: string;
}

export function registerRun(program: Command, out: Output): void {
  program
    .command("run")
    .description("run one codex turn and stream it (the prompt comes from stdin when not given)")
    .argument("[prompt]", "what to ask codex")
    .option("--cwd <dir>", "working directory of the session (default: the current directory)")
    .option(
      "--session <id>",
      "continue a stored session: its id (or a unique prefix) or codex thread id, printed after every run",
    )
    .option("--last", "continue the most recent session (not a kanban worker's)")
    .addOption(
      new Option("--approval <mode>", "how codex-bridge answers the approval requests codex sends")
        .choices(["ask", "accept", "decline"])
        .default("ask"),
    )
    .addOption(
      new Option(
        "--approval-policy <policy>",
        "when codex asks for approval at all (default: approval_policy of your codex config)",
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
    .option(
      "-c, --config <key=value>",
      "override a codex config value (TOML, else a string); repeatable",
      configOverride,
    )
    .option("-o, --output-last-message <file>", "also write the last message of the answer to this file")
    .option("--json", "print one JSON object per event, the last one the turn result")
    .option(
      "--timeout <seconds>",
      "interrupt the turn after this many seconds, time spent waiting on approvals excluded (default: 600)",
      seconds,
    )
    .option("--codex-home <dir>", "CODEX_HOME for codex (default: $CODEX_HOME or ~/.codex)")
    .option("--remote <url>", "run the turn through a gateway (codex-bridge serve) at ws://HOST:PORT")
    .option("--token-file <file>", "with --remote: a file holding the gateway's token")
    .addHelpText(
      "after",
      `
Approvals: --approval answers the requests codex sends; it cannot stop what
codex does without asking. Whether codex asks is its approval policy
(--approval-policy, else approval_policy in config.toml): "untrusted" asks
before every command not known to be read-only; "on-request" asks only when a
command needs to leave the sandbox, so what the sandbox allows runs unasked;
"never" never asks. codex-bridge warns when --approval decline or ask is given
under "on-request" or "never".
--approval ask prompts at the terminal: [a] once, [s] for the rest of the
session (where codex offers it), [p] a permanent rule in
$CODEX_HOME/rules/default.rules (where codex proposes one), [d] decline.
Ctrl-C at the prompt declines the request and stops the turn. Without a
terminal, requests are declined and the first one says so.

Ctrl-C interrupts the turn (the partial answer is kept, continue it with
--session); a second Ctrl-C exits at once. If stdout's reader goes away
(\`| head -1\`), the turn is interrupted and the exit status is 141.
Before the first turn, codex's login is checked: no login where the model
provider needs one fails at once ("run \`npx codex login\`").

--remote ws://HOST:PORT runs the turn on a gateway (\`codex-bridge serve
--listen\`) with the same output: the gateway's codex and store are used
(--session and --last name its sessions; --codex-home does not apply; --cwd
is a directory of the gateway's machine, default this one when the gateway
is on loopback), and --approval ask is answered here. --json leaves out
codex's raw "notification" events, which the gateway's journal does not keep.
Exit status: 0 completed, 1 failed (or not logged in), 2 usage error,
130 interrupted, 141 stdout closed.`,
    )
    .action(async (prompt: string | undefined, flags: Flags, command: Command) => {
      try {
        const explicit = command.getOptionValueSource("approval") === "cli";
        if (flags.remote !== undefined) {
          const { runRemoteTurn } = await import("../runRemote.js");
          setExitCode(await runRemoteTurn(validateRemote(prompt, flags, explicit), out));
          return;
        }
        if (flags.tokenFile !== undefined) throw new UsageError("--token-file applies only with --remote");
        const resolved = validate(prompt, flags, explicit);
        setExitCode(await runTurn(resolved, out));
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        out.stderr(`codex-bridge run: ${err.message}\n`);
        setExitCode(USAGE_EXIT);
      }
    });
}

/** Everything that can be checked before codex starts or anything is stored. */
function validate(prompt: string | undefined, flags: Flags, approvalExplicit: boolean): RunFlags {
  const cwd = flags.cwd === undefined ? process.cwd() : existingDirectory("--cwd", flags.cwd);
  if (flags.session !== undefined && flags.last) throw new UsageError("give --session or --last, not both");
  const output = flags.outputLastMessage;
  if (output !== undefined) {
    const dir = dirname(resolve(output));
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new UsageError(`--output-last-message ${output}: no such directory ${dir}`);
  }
  if (flags.codexHome !== undefined) existingDirectory("--codex-home", flags.codexHome);
  const text = prompt ?? readPromptFromStdin();
  if (!text || text.trim() === "") throw new UsageError("no prompt: give one as an argument or on stdin");
  const sessionId = flags.session !== undefined || flags.last ? resolveSession(flags) : undefined;
  return {
    prompt: text,
    cwd,
    cwdGiven: flags.cwd !== undefined,
    ...(sessionId ? { sessionId } : {}),
    approval: flags.approval,
    approvalExplicit,
    ...(flags.approvalPolicy ? { approvalPolicy: flags.approvalPolicy } : {}),
    ...(flags.model ? { model: flags.model } : {}),
    ...(flags.sandbox ? { sandbox: flags.sandbox } : {}),
    json: flags.json === true,
    ...(flags.timeout ? { timeoutSeconds: flags.timeout } : {}),
    ...(flags.codexHome ? { codexHome: flags.codexHome } : {}),
    ...(output ? { outputLastMessage: resolve(output) } : {}),
    ...(flags.config ? { config: flags.config } : {}),
  };
}

/**
 * --remote: sessions are the gateway's and codex runs there, so --session is
 * resolved on the gateway and --cwd is a directory of the gateway's machine
 * (not checked here; without it, this directory when the gateway is on
 * loopback, else the gateway's own).
 */
function validateRemote(prompt: string | undefined, flags: Flags, approvalExplicit: boolean): RemoteRunFlags {
  const remote = flags.remote ?? "";
  const url = /^wss?:\/\/(\[[^\]]+\]|[^/:\s]+)(:\d+)?\/?$/.exec(remote);
  if (!url)
    throw new UsageError(
      `--remote ${remote}: expected ws://HOST:PORT (the address codex-bridge serve prints)`,
    );
  if (flags.codexHome !== undefined) {
    throw new UsageError("--codex-home does not apply with --remote: the gateway runs codex with its own");
  }
  if (flags.session !== undefined && flags.last) throw new UsageError("give --session or --last, not both");
  if (flags.tokenFile !== undefined && !existsSync(flags.tokenFile)) {
    throw new UsageError(`--token-file ${flags.tokenFile}: no such file`);
  }
  const output = flags.outputLastMessage;
  if (output !== undefined) {
    const dir = dirname(resolve(output));
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new UsageError(`--output-last-message ${output}: no such directory ${dir}`);
  }
  const text = prompt ?? readPromptFromStdin();
  if (!text || text.trim() === "") throw new UsageError("no prompt: give one as an argument or on stdin");
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/i.test(url[1] ?? "");
  const cwd = flags.cwd ?? (loopback ? process.cwd() : undefined);
  return {
    prompt: text,
    remote,
    ...(cwd !== undefined ? { cwd } : {}),
    ...(flags.tokenFile ? { tokenFile: resolve(flags.tokenFile) } : {}),
    ...(flags.session !== undefined ? { session: flags.session } : {}),
    ...(flags.last ? { last: true } : {}),
    approval: flags.approval,
    approvalExplicit,
    ...(flags.approvalPolicy ? { approvalPolicy: flags.approvalPolicy } : {}),
    ...(flags.model ? { model: flags.model } : {}),
    ...(flags.sandbox ? { sandbox: flags.sandbox } : {}),
    json: flags.json === true,
    ...(flags.timeout ? { timeoutSeconds: flags.timeout } : {}),
    ...(output ? { outputLastMessage: resolve(output) } : {}),
    ...(flags.config ? { config: flags.config } : {}),
  };
}

/** The stored session --session or --last names; unknown ids are refused before anything is stored. */
function resolveSession(flags: Flags): string {
  using store = openStore();
  if (flags.last) {
    const latest = store.latestSession({ ownOnly: true });
    if (!latest)
      throw new UsageError(
        "--last: there is no session yet (kanban workers' do not count): start one without --last",
      );
    return latest.id;
  }
  try {
    return store.resolveSessionId(flags.session ?? "");
  } catch (err) {
    if (err instanceof BridgeError && (err.code === "NOT_FOUND" || err.code === "AMBIGUOUS"))
      throw new UsageError(`--session: ${err.message}`);
    throw err;
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
