// `codex-bridge kanban dispatch` as a user runs it: the built CLI, the real
// codex binary, the scripted model, a SQLite board in a temp dir.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { openBoard } from "../../src/store/board/open.js";
import {
  createMockCodexHome,
  type MockRequest,
  type MockReply,
  reply,
  startMockResponses,
} from "../../src/testing/index.js";
import { runCli } from "../harness/cli.js";
import { outputs, taskOf, worker } from "../harness/kanban.js";
import { tempDir, trackDir } from "../harness/tracking.js";

const bin = fileURLToPath(new URL("../../bin/codex-bridge.js", import.meta.url));

async function setup(script: (r: MockRequest) => MockReply) {
  const mock = await startMockResponses(script);
  const home = await createMockCodexHome({ providerUrl: mock.url });
  trackDir(home.path);
  const dir = tempDir("kanban-cli-");
  const location = join(dir.path, "board.db");
  const board = await openBoard(location);
  const env = { CODEX_HOME: home.path, CODEX_BRIDGE_HOME: join(dir.path, "bridge-home") };
  return {
    mock,
    board,
    location,
    env,
    dir: dir.path,
    async [Symbol.asyncDispose]() {
      await board.close();
      await mock.close();
      await home.remove();
      await dir[Symbol.asyncDispose]();
    },
  };
}

describe("codex-bridge kanban dispatch", () => {
  it("--once runs the ready tasks to their outcomes and exits 0; --json prints one event per line", async () => {
    await using s = await setup((r) => {
      const task = taskOf(r.body);
      if (task?.title === "ask") {
        return outputs(r.body).length === 0
          ? worker.call("kanban_block", { reason: "Which database?" })
          : reply.text("Blocked.");
      }
      return worker.standard(r.body, `built ${task?.title ?? "?"}`);
    });
    const build = await s.board.create({ title: "build", body: "Build it." });
    const ask = await s.board.create({ title: "ask", body: "Needs a decision." });
    const result = await runCli(
      ["kanban", "dispatch", "--once", "--board", s.location, "--json", "--cwd", s.dir],
      { env: s.env },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    const events = result.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; report?: { taskId: string; outcome: string } });
    const finished = events
      .filter((e) => e.type === "finished")
      .map((e) => [e.report?.taskId, e.report?.outcome]);
    expect(finished.sort()).toEqual(
      [
        [build.id, "done"],
        [ask.id, "blocked"],
      ].sort(),
    );
    expect(events.at(-1)?.type).toBe("idle");
    expect(await s.board.get(build.id)).toMatchObject({ status: "done", result: "built build" });
    expect(await s.board.get(ask.id)).toMatchObject({ status: "blocked", reason: "Which database?" });
  });

  it("SIGTERM: stops claiming, interrupts a worker still running after --grace, and exits 0; the task is ready again", async () => {
    await using s = await setup(() => reply.stall());
    const task = await s.board.create({ title: "slow", body: "Takes forever." });
    const proc = execa(
      process.execPath,
      [bin, "kanban", "dispatch", "--board", s.location, "--grace", "1", "--json", "--cwd", s.dir],
      {
        extendEnv: false,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...s.env },
        reject: false,
      },
    );
    let stdout = "";
    proc.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const deadline = Date.now() + 90_000;
    while (!stdout.includes('"type":"started"') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(stdout).toContain('"type":"started"');
    await s.mock.waitForRequests(1, 60_000);
    proc.kill("SIGTERM");
    const result = await proc;
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(stdout).toContain('"type":"stopping"');
    const after = await s.board.get(task.id);
    expect(after.status).toBe("ready");
    expect(after.attempts.map((a) => a.outcome)).toEqual(["cancelled"]);
    expect(after.attempts[0]?.sessionId).toMatch(/.+/);
  });

  it("--help names every option; a bad value is a usage error", async () => {
    const help = await runCli(["kanban", "dispatch", "--help"]);
    expect(help.exitCode).toBe(0);
    for (const option of [
      "--board",
      "--max-workers",
      "--once",
      "--lease-ms",
      "--max-attempts",
      "--model",
      "--grace",
    ])
      expect(help.stdout).toContain(option);
    const bad = await runCli(["kanban", "dispatch", "--max-workers", "0"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("--max-workers");
  });
});
