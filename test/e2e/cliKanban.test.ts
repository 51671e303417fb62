// `codex-bridge kanban …` as a user runs it: the built CLI in a subprocess,
// with its own CODEX_BRIDGE_HOME (and a PostgreSQL board for --board postgres://).
import { join } from "node:path";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBoard } from "../../src/store/board/open.js";
import type { Task } from "../../src/store/board/types.js";
import { displayWidth } from "../../src/cli/commands/kanbanRender.js";
import { runCli } from "../harness/cli.js";
import { type PgCluster, startPostgres } from "../harness/postgres.js";
import { tempDir } from "../harness/tracking.js";

function kanban(home: string, args: string[], env: Record<string, string> = {}) {
  return runCli(["kanban", ...args], { env: { CODEX_BRIDGE_HOME: home, ...env } });
}

async function createJson(home: string, args: string[]): Promise<Task> {
  const r = await kanban(home, ["create", ...args, "--json"]);
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Task;
}

describe("codex-bridge kanban", () => {
  it("creates tasks with dependencies by id prefix, lists and shows them", async () => {
    await using dir = tempDir("codex-bridge-clikanban-");
    const a = await createJson(dir.path, ["write the parser"]);
    expect(a).toMatchObject({ title: "write the parser", status: "ready" });
    expect(existsSync(join(dir.path, "board.db"))).toBe(true);
    const b = await createJson(dir.path, [
      "test the parser",
      "--depends-on",
      a.id.slice(0, 8),
      "--priority",
      "2",
      "--body",
      "cover the edge cases",
      "--cwd",
      dir.path,
    ]);
    expect(b).toMatchObject({
      status: "todo",
      dependsOn: [a.id],
      priority: 2,
      body: "cover the edge cases",
      cwd: dir.path,
    });

    const plain = await kanban(dir.path, ["create", "a third one"]);
    expect(plain.stdout).toMatch(/^[0-9a-f]{12} {2}ready +a third one$/);

    const list = await kanban(dir.path, ["list"]);
    expect(list.exitCode).toBe(0);
    expect(
      list.stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => l.slice(0, 12)),
    ).toHaveLength(3);
    const todo = await kanban(dir.path, ["list", "--status", "todo", "--json"]);
    expect((JSON.parse(todo.stdout) as Task[]).map((t) => t.id)).toEqual([b.id]);

    const show = await kanban(dir.path, ["show", b.id.slice(0, 6)]);
    expect(show.exitCode, show.stderr).toBe(0);
    expect(show.stdout).toContain(`task      ${b.id}`);
    expect(show.stdout).toContain("status    todo");
    expect(show.stdout).toContain(`depends   ${a.id}`);
    expect(show.stdout).toContain("cover the edge cases");
  });

  it("comments, blocks, unblocks and cancels; refusals exit 1 and say why", async () => {
    await using dir = tempDir("codex-bridge-clikanban-");
    const a = await createJson(dir.path, ["deploy"]);
    const commented = await kanban(dir.path, ["comment", a.id, "use the staging cluster", "--author", "ops"]);
    expect(commented.stdout).toBe(`commented on ${a.id} (1 comment)`);
    const blocked = await kanban(dir.path, ["block", a.id, "waiting for credentials", "--json"]);
    expect(JSON.parse(blocked.stdout)).toMatchObject({
      status: "blocked",
      reason: "waiting for credentials",
    });
    const again = await kanban(dir.path, ["block", a.id, "twice"]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/is blocked: it cannot be blocked/);
    const unblocked = await kanban(dir.path, ["unblock", a.id, "credentials are in the vault"]);
    expect(unblocked.stdout).toMatch(new RegExp(`^${a.id} {2}ready`));
    const show = await kanban(dir.path, ["show", a.id, "--json"]);
    expect((JSON.parse(show.stdout) as Task).comments.map((c) => `${c.author}: ${c.text}`)).toEqual([
      "ops: use the staging cluster",
      "user: credentials are in the vault",
    ]);
    expect((await kanban(dir.path, ["cancel", a.id])).stdout).toMatch(/cancelled/);
    const cancelAgain = await kanban(dir.path, ["cancel", a.id]);
    expect(cancelAgain.exitCode).toBe(1);
    expect(cancelAgain.stderr).toMatch(/is cancelled: it cannot be cancelled/);
  });

  it("names unknown and ambiguous ids, and refuses bad input as a usage error", async () => {
    await using dir = tempDir("codex-bridge-clikanban-");
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await createJson(dir.path, [`t${i}`])).id);
    const missing = await kanban(dir.path, ["show", "zzzz"]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/no task zzzz on the board/);
    const shared = ids.find((x) => ids.some((y) => y !== x && y[0] === x[0])) as string;
    const ambiguous = await kanban(dir.path, ["show", shared.slice(0, 1)]);
    expect(ambiguous.exitCode).toBe(1);
    expect(ambiguous.stderr).toMatch(/matches several tasks/);
    for (const args of [
      ["create", " "],
      ["create", "x", "--priority", "high"],
      ["list", "--status", "doing"],
      ["list", "--board", "mysql://root:hunter2@db/x"],
      ["create", "x", "--cwd", join(dir.path, "nope")],
    ]) {
      const r = await kanban(dir.path, args);
      expect(r.exitCode, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).not.toContain("hunter2");
    }
    expect((await kanban(dir.path, ["list"])).stdout.split("\n").filter(Boolean)).toHaveLength(20);
  });

  it("shows attempts with their worker sessions", async () => {
    await using dir = tempDir("codex-bridge-clikanban-");
    const board = await openBoard(join(dir.path, "board.db"));
    try {
      const t = await board.create({ title: "run it" });
      await board.claim({ holder: "dispatcher-1", leaseMs: 60_000 });
      await board.attachSession(t.id, "dispatcher-1", "session-abc");
      await board.finish(t.id, "dispatcher-1", {
        outcome: "no-report",
        detail: "turn ended",
        maxAttempts: 3,
      });
      await board.claim({ holder: "dispatcher-1", leaseMs: 60_000 });
      await board.attachSession(t.id, "dispatcher-1", "session-def");
      await board.finish(t.id, "dispatcher-1", { outcome: "done", summary: "it ran" });
      const show = await kanban(dir.path, ["show", t.id]);
      expect(show.stdout).toMatch(/#1 no-report +session session-abc {2}by dispatcher-1 .* {2}turn ended/);
      expect(show.stdout).toMatch(/#2 done +session session-def/);
      expect(show.stdout).toContain("result    it ran");
    } finally {
      await board.close();
    }
  });

  it("draws the board one column per status within the terminal's width", async () => {
    await using dir = tempDir("codex-bridge-clikanban-");
    const a = await createJson(dir.path, ["a task with a rather long title that cannot fit in one column"]);
    await createJson(dir.path, ["second 漢字の題名もある", "--depends-on", a.id]);
    const c = await createJson(dir.path, ["third"]);
    await kanban(dir.path, ["block", c.id, "why not"]);
    for (const width of [80, 133]) {
      const r = await kanban(dir.path, ["board"], { COLUMNS: String(width) });
      expect(r.exitCode, r.stderr).toBe(0);
      const lines = r.stdout.split("\n").filter(Boolean);
      expect(lines[0]).toMatch(/^todo +ready +running +blocked +done +failed +cancelled$/);
      expect(lines[1]).toMatch(/^── 1 ─+ ── 1 ─+ ── 0 ─+ ── 1 ─+ ── 0 ─+ ── 0 ─+ ── 0 ─+$/);
      for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(width);
      expect(r.stdout).toContain(a.id.slice(0, 6));
    }
    const narrow = await kanban(dir.path, ["board", "--width", "30"]);
    const lines = narrow.stdout.split("\n").filter(Boolean);
    expect(lines).toContain("todo (1)");
    for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(30);
  });

  it("uses CODEX_BRIDGE_BOARD as the default board", async () => {
    await using dir = tempDir("codex-bridge-clikanban-");
    const file = join(dir.path, "elsewhere.db");
    const r = await kanban(dir.path, ["create", "x"], { CODEX_BRIDGE_BOARD: `sqlite:${file}` });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(existsSync(join(dir.path, "board.db"))).toBe(false);
  });

  it("refuses a named SQLite board that does not exist for every command but create and dispatch, creating nothing", async () => {
    await using dir = tempDir("codex-bridge-clikanban-");
    const missing = join(dir.path, "typo", "bord.db");
    for (const args of [
      ["list"],
      ["show", "abc"],
      ["board"],
      ["comment", "abc", "hi"],
      ["block", "abc", "why"],
      ["unblock", "abc"],
      ["cancel", "abc"],
    ]) {
      const r = await kanban(dir.path, [...args, "--board", missing]);
      expect(r.exitCode, `${args[0]}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toContain(`no board at ${missing}`);
    }
    const viaEnv = await kanban(dir.path, ["list"], { CODEX_BRIDGE_BOARD: `sqlite:${missing}` });
    expect(viaEnv.exitCode, viaEnv.stderr).toBe(1);
    expect(viaEnv.stderr).toContain(`no board at ${missing}`);
    expect(existsSync(join(dir.path, "typo"))).toBe(false);
    // create makes the named board; then the others open it.
    const made = join(dir.path, "made.db");
    expect((await kanban(dir.path, ["create", "first", "--board", made])).exitCode).toBe(0);
    const listed = await kanban(dir.path, ["list", "--board", made]);
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(listed.stdout).toContain("first");
  });

  it("documents every subcommand and the --board option in --help", async () => {
    await using dir = tempDir("codex-bridge-clikanban-");
    const top = await kanban(dir.path, ["--help"]);
    expect(top.exitCode).toBe(0);
    for (const sub of ["create", "list", "show", "comment", "block", "unblock", "cancel", "board"]) {
      expect(top.stdout).toContain(sub);
      const help = await kanban(dir.path, [sub, "--help"]);
      expect(help.exitCode, sub).toBe(0);
      expect(help.stdout, sub).toContain("--board <url>");
    }
  });

  describe("on a PostgreSQL board", () => {
    let cluster: PgCluster;
    beforeAll(async () => {
      cluster = await startPostgres();
    });
    afterAll(async () => {
      await cluster.stop();
    });

    it("takes --board postgres://… and never prints the password", async () => {
      await using dir = tempDir("codex-bridge-clikanban-");
      const url = await cluster.createDatabase(undefined, "pg-secret-1");
      const created = await kanban(dir.path, ["create", "shared task", "--board", url, "--json"]);
      expect(created.exitCode, created.stderr).toBe(0);
      const task = JSON.parse(created.stdout) as Task;
      const listed = await kanban(dir.path, ["list", "--json"], { CODEX_BRIDGE_BOARD: url });
      expect((JSON.parse(listed.stdout) as Task[]).map((t) => t.id)).toEqual([task.id]);
      const missing = await kanban(dir.path, ["show", "nope", "--board", url]);
      expect(missing.exitCode).toBe(1);
      expect(missing.stderr).toMatch(/no task nope on the board postgres:\/\/postgres:\*\*\*@127\.0\.0\.1/);
      expect(missing.stderr).not.toContain("pg-secret-1");
      const down = await kanban(dir.path, [
        "list",
        "--board",
        cluster.url("x", "pg-secret-1").replace(`:${cluster.port}/`, ":1/"),
      ]);
      expect(down.exitCode).toBe(1);
      expect(down.stderr).toMatch(/BOARD_FAILED|cannot open the board/);
      expect(down.stderr).not.toContain("pg-secret-1");
      expect(existsSync(join(dir.path, "board.db"))).toBe(false);
    });
  });
});
