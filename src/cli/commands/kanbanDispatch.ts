/**
 * `codex-bridge kanban dispatch`: claims ready tasks of a board and runs a
 * codex worker session per task until the board is drained (`--once`) or
 * SIGINT/SIGTERM. Registered under the `kanban` command.
 */
import { type Command, Option } from "commander";
import { CodexBridge } from "../../codex/bridge.js";
import { Dispatcher, type DispatcherEvent } from "../../kanban/dispatcher.js";
import { httpToolEndpoint } from "../../mcp/httpEndpoint.js";
import { type Output, setExitCode } from "../output.js";
import { openStore } from "../storeAccess.js";
import { existingDirectory, positiveInteger, seconds } from "../usage.js";
import { boardOption, withBoard } from "./kanbanShared.js";

interface Flags {
  board?: string;
  maxWorkers: number;
  once?: boolean;
  leaseMs: number;
  maxAttempts: number;
  model?: string;
  approvalPolicy: "untrusted" | "on-request" | "never";
  sandbox: "read-only" | "workspace-write" | "danger-full-access";
  cwd?: string;
  grace: number;
  pollMs: number;
  turnTimeout?: number;
  codexHome?: string;
  json?: boolean;
}

/** Adds `dispatch` to the `kanban` command. */
export function registerKanbanDispatch(kanban: Command, out: Output): void {
  const command = kanban
    .command("dispatch")
    .description(
      "run ready tasks: one codex worker session per task, reporting back through the board's tools",
    )
    .option("--max-workers <n>", "workers at a time", positiveInteger, 2)
    .option("--once", "stop when no task is ready or running (scripts, CI)")
    .option(
      "--lease-ms <ms>",
      "lease length; renewed every third of it while a worker runs",
      positiveInteger,
      60_000,
    )
    .option("--max-attempts <n>", "attempts per task before it fails", positiveInteger, 3)
    .option("--model <model>", "workers' model (default: your codex config)")
    .addOption(
      new Option("--approval-policy <policy>", "when workers' codex asks for approval")
        .choices(["untrusted", "on-request", "never"])
        .default("on-request"),
    )
    .addOption(
      new Option("--sandbox <mode>", "workers' sandbox")
        .choices(["read-only", "workspace-write", "danger-full-access"])
        .default("workspace-write"),
    )
    .option("--cwd <dir>", "where tasks without a working directory run (default: the current directory)")
    .option(
      "--grace <seconds>",
      "on SIGINT/SIGTERM, how long running workers may take to finish",
      seconds,
      30,
    )
    .option("--turn-timeout <seconds>", "longest a worker's turn may run (default: 600)", seconds)
    .option("--codex-home <dir>", "CODEX_HOME for codex (default: $CODEX_HOME or ~/.codex)")
    .option("--json", "print one JSON object per event")
    .addHelpText(
      "after",
      `
Each ready task is claimed with a lease, renewed while its worker runs; a
dispatcher that dies leaves leases that expire, and another dispatcher
reclaims its tasks. Several dispatchers may share one PostgreSQL board.
A worker reports through kanban_complete / kanban_block; a turn that ends
without either is retried (--max-attempts), then the task fails. An approval
request of a worker is never answered: the task is blocked with the question.
SIGINT/SIGTERM: stop claiming, let workers finish within --grace, then
interrupt them. Exit status: 0 stopped or drained, 1 the board could not be opened, 2 usage error.`,
    )
    .action(async (flags: Flags) => {
      setExitCode(await dispatch(flags, out));
    });
  boardOption(command);
}

async function dispatch(flags: Flags, out: Output): Promise<number> {
  const cwd = flags.cwd === undefined ? process.cwd() : existingDirectory("--cwd", flags.cwd);
  if (flags.codexHome !== undefined) existingDirectory("--codex-home", flags.codexHome);
  const location = flags.board ?? process.env.CODEX_BRIDGE_BOARD;
  return withBoard(
    location,
    async (board) => {
      const store = openStore();
      const bridge = new CodexBridge({
        store,
        cwd,
        ...(flags.codexHome ? { codexHome: flags.codexHome } : {}),
        toolServer: {
          endpoint: httpToolEndpoint({
            log: (line) => out.stderr(`codex-bridge kanban dispatch: tools: ${line}\n`),
          }),
        },
      });
      const print = (event: DispatcherEvent) =>
        flags.json ? out.stdout(`${JSON.stringify(event)}\n`) : out.stderr(describe(event));
      const stop = () => void dispatcher?.stop();
      let dispatcher: Dispatcher | undefined;
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
      try {
        dispatcher = new Dispatcher({
          board,
          bridge,
          boardLocation: location ?? null,
          maxWorkers: flags.maxWorkers,
          leaseMs: flags.leaseMs,
          maxAttempts: flags.maxAttempts,
          once: flags.once === true,
          graceMs: flags.grace * 1000,
          pollMs: flags.pollMs,
          cwd,
          ...(flags.model ? { model: flags.model } : {}),
          approvalPolicy: flags.approvalPolicy,
          sandbox: flags.sandbox,
          ...(flags.turnTimeout ? { watchdog: { turnTimeoutMs: flags.turnTimeout * 1000 } } : {}),
          onEvent: print,
        });
        if (!flags.json)
          out.stderr(
            `codex-bridge kanban dispatch: dispatching from ${board.location} as ${dispatcher.holder}\n`,
          );
        const summary = await dispatcher.run();
        if (!flags.json)
          out.stderr(`codex-bridge kanban dispatch: stopped after ${summary.attempts.length} attempt(s)\n`);
        return 0;
      } finally {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        await bridge.close();
        store.close();
      }
    },
    { existing: false },
  );
}

function describe(event: DispatcherEvent): string {
  switch (event.type) {
    case "claimed":
      return `claimed ${event.task.id} ${JSON.stringify(event.task.title)} (attempt ${event.task.attempts.length})\n`;
    case "started":
      return `worker ${event.sessionId} started on ${event.taskId}\n`;
    case "finished": {
      const r = event.report;
      return `${r.taskId}: ${r.outcome} → ${r.status}${r.detail ? ` (${r.detail})` : ""}\n`;
    }
    case "error":
      return `error: ${event.message}\n`;
    case "stopping":
      return "stopping: no new claims; waiting for running workers\n";
    case "idle":
      return "nothing ready or running: done\n";
  }
}
