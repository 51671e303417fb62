import { existsSync, readFileSync } from "node:fs";
import { httpToolEndpoint } from "../../mcp/httpEndpoint.js";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { CodexBridge } from "../../codex/bridge.js";
import {
  createMockCodexHome,
  DEMO_FILE,
  DEMO_FILE_CONTENT,
  DEMO_FINAL_TEXT,
  demoScript,
  startMockResponses,
} from "../../testing/index.js";
import { type Output, setExitCode } from "../output.js";
import { terminalApprover } from "../prompt.js";
import { HumanRenderer } from "../render.js";
import { styleFor } from "../style.js";
import { USAGE_EXIT } from "../usage.js";

export function registerDemo(program: Command, out: Output): void {
  program
    .command("demo")
    .description(
      "prove the installation offline: real codex, a scripted model on 127.0.0.1, no account needed",
    )
    .option(
      "--interactive",
      "ask me to approve, at the terminal (default: approvals are accepted automatically)",
    )
    .option("--keep", "keep the demo's temporary directory and print its path")
    .addHelpText(
      "after",
      `
The demo runs the real codex binary against a model scripted by codex-bridge
(its own temporary CODEX_HOME; your ~/.codex is not touched): codex runs a
command that needs approval, creates ${DEMO_FILE} with a patch, and answers.
Exit status: 0 when all of that happened, 1 otherwise, 2 on usage errors
(--interactive without a terminal).`,
    )
    .action(async (flags: { interactive?: boolean; keep?: boolean }) => {
      if (flags.interactive && process.stdin.isTTY !== true) {
        out.stderr("codex-bridge demo: --interactive needs a terminal to ask on (stdin is not a TTY)\n");
        setExitCode(USAGE_EXIT);
        return;
      }
      setExitCode(await runDemo(out, flags));
    });
}

async function runDemo(out: Output, flags: { interactive?: boolean; keep?: boolean }): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), "codex-bridge-demo-"));
  const workdir = join(root, "work");
  const mock = await startMockResponses(demoScript());
  const home = await createMockCodexHome({ providerUrl: mock.url, parentDir: root });
  const interactive = flags.interactive === true && process.stdin.isTTY === true;
  const bridge = new CodexBridge({
    codexHome: home.path,
    store: join(root, "bridge.db"),
    cwd: root,
    toolServer: { endpoint: httpToolEndpoint({ configPath: false }) },
  });
  const problems: string[] = [];
  try {
    await mkdir(workdir, { recursive: true });
    out.stderr(`codex-bridge demo: scripted model at ${mock.url}, CODEX_HOME ${home.path}\n\n`);
    const session = await bridge.startSession({
      cwd: workdir,
      approvalPolicy: "untrusted",
      sandbox: "workspace-write",
      approvals: interactive ? { policy: "ask", onRequest: terminalApprover() } : { policy: "accept" },
    });
    const renderer = new HumanRenderer(out, { style: styleFor(process.stderr) });
    const { events, result } = session.runStreamed("Show me that codex-bridge works.");
    let approvals = 0;
    for await (const e of events) {
      if (e.type === "approval.resolved") approvals++;
      renderer.event(e);
    }
    const final = await result;
    if (final.status !== "completed")
      problems.push(`the turn ${final.status}: ${final.error?.message ?? ""}`);
    if (approvals === 0) problems.push("codex asked for no approval");
    const file = join(workdir, DEMO_FILE);
    if (!existsSync(file) || readFileSync(file, "utf8").trim() !== DEMO_FILE_CONTENT) {
      problems.push(`${DEMO_FILE} was not created with the expected content`);
    }
    if (!existsSync(join(workdir, "demo-output", "command.txt"))) {
      // Say why: most often codex's sandbox cannot start here (e.g. no user namespaces in a container).
      const command = final.items.find((i) => i.type === "commandExecution");
      const output = typeof command?.aggregatedOutput === "string" ? command.aggregatedOutput.trim() : "";
      const status = command ? ` (status ${String(command.status)}, exit ${String(command.exitCode)})` : "";
      problems.push(
        `the approved command did not run${status}${output ? `: ${output.split("\n").slice(-3).join(" / ")}` : ""}`,
      );
    }
    if (final.finalText !== DEMO_FINAL_TEXT) problems.push("the final answer is not the scripted one");
    if (mock.requests.length !== 3)
      problems.push(`codex made ${mock.requests.length} model calls, expected 3`);
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
  } finally {
    await bridge.close();
    await mock.close();
    if (flags.keep) out.stderr(`kept ${root}\n`);
    else await rm(root, { recursive: true, force: true });
  }
  if (problems.length > 0) {
    out.stderr(`\ndemo FAILED:\n${problems.map((p) => `  - ${p}`).join("\n")}\n`);
    return 1;
  }
  out.stderr(
    "\ndemo passed: the real codex ran a command after approval, created a file, and answered — all through codex-bridge.\n",
  );
  return 0;
}
