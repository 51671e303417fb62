// Three dispatcher processes on one PostgreSQL board (a real throwaway
// cluster), each with its own codex app-server, against one scripted model.
// One dispatcher is SIGKILLed while its workers run: its leases expire (2 s),
// the others reclaim its tasks and complete them; no task is completed twice.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa, type ResultPromise } from "execa";
import { describe, expect, it } from "vitest";
import { openBoard } from "../../src/store/board/open.js";
import {
  createMockCodexHome,
  type MockRequest,
  type MockReply,
  startMockResponses,
} from "../../src/testing/index.js";
import { taskOf, worker } from "../harness/kanban.js";
import { startPostgres } from "../harness/postgres.js";
import { isAlive, tempDir, trackDir, trackPid } from "../harness/tracking.js";

const fixture = fileURLToPath(new URL("../fixtures/kanbanDispatcher.mjs", import.meta.url));
const TASKS = 6;

/** Pids of the processes whose parent is `pid`. */
function children(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function until<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  ms = 90_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("several dispatchers on one PostgreSQL board", () => {
  it("share the work; a SIGKILLed dispatcher's tasks are reclaimed after the lease and completed, none twice", async () => {
    await using pg = await startPostgres();
    const url = await pg.createDatabase();
    // Workers take a moment per step, so that a dispatcher is killed mid-run.
    const script = async (r: MockRequest): Promise<MockReply> => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return worker.standard(r.body, `done: ${taskOf(r.body)?.title ?? "?"}`);
    };
    await using mock = await startMockResponses(script);
    const home = await createMockCodexHome({ providerUrl: mock.url });
    trackDir(home.path);
    await using work = tempDir("kanban-pg-work-");
    const board = await openBoard(url);
    const procs: Array<{ proc: ResultPromise; lines: Array<Record<string, unknown>> }> = [];
    try {
      const ids: string[] = [];
      for (let i = 0; i < TASKS; i++)
        ids.push((await board.create({ title: `T${i}`, body: `Task ${i}` })).id);
      for (let i = 0; i < 3; i++) {
        const proc = execa("node", [fixture], {
          env: {
            BOARD_URL: url,
            CODEX_HOME_DIR: home.path,
            WORKDIR: work.path,
            STORE: join(work.path, `bridge-${i}.db`),
            LEASE_MS: "2000",
            MAX_WORKERS: "2",
          },
          reject: false,
          stdout: "pipe",
          stderr: "pipe",
        });
        const lines: Array<Record<string, unknown>> = [];
        proc.stdout?.on("data", (chunk: Buffer) => {
          for (const line of chunk.toString().split("\n").filter(Boolean)) {
            try {
              lines.push(JSON.parse(line) as Record<string, unknown>);
            } catch {
              // not ours
            }
          }
        });
        procs.push({ proc, lines });
      }
      const holders = await until("three dispatchers", () => {
        const found = procs.map((p) => p.lines.find((l) => l.type === "holder"));
        return found.every(Boolean) ? found.map((l) => String(l?.holder)) : undefined;
      });
      // The victim: the first dispatcher whose worker has started on a task.
      const victim = await until("a worker started", () => {
        const i = procs.findIndex((p) => p.lines.some((l) => l.type === "started"));
        return i >= 0 ? i : undefined;
      });
      const victimProc = procs[victim]?.proc;
      const codexOfVictim = children(victimProc?.pid ?? 0);
      expect(codexOfVictim.length).toBeGreaterThan(0);
      for (const pid of codexOfVictim) trackPid(pid);
      victimProc?.kill("SIGKILL");
      await victimProc;
      const held = (await board.list({ status: "running" })).filter(
        (t) => t.lease?.holder === holders[victim],
      );
      expect(held.length).toBeGreaterThan(0);

      // The others drain the board, the victim's tasks included once its leases expire.
      const results = await Promise.all(procs.filter((_, i) => i !== victim).map((p) => p.proc));
      for (const r of results) expect(r.exitCode, String(r.stderr)).toBe(0);
      const tasks = await Promise.all(ids.map((id) => board.get(id)));
      for (const task of tasks) {
        expect(task.status).toBe("done");
        expect(task.result).toBe(`done: ${task.title}`);
        expect(task.attempts.filter((a) => a.outcome === "done")).toHaveLength(1);
      }
      for (const task of held) {
        // The victim's attempt was lost and a survivor's was done. On a loaded machine a survivor can
        // also miss a renewal of its 2 s lease, and lose an attempt the same way: every attempt but
        // the last is lost, the victim's among them, and the last is a survivor's, done.
        const after = tasks.find((t) => t.id === task.id);
        const attempts = after?.attempts.map((a) => [a.holder === holders[victim], a.outcome]) ?? [];
        expect(attempts.at(-1)).toEqual([false, "done"]);
        expect(attempts.slice(0, -1)).toContainEqual([true, "lost"]);
        for (const [, outcome] of attempts.slice(0, -1)) expect(outcome).toBe("lost");
      }
      // Work was shared: both survivors ran tasks.
      const doneBy = new Set(tasks.map((t) => t.attempts.find((a) => a.outcome === "done")?.holder));
      expect(doneBy.size).toBeGreaterThanOrEqual(2);
      // The killed dispatcher's app-server went away with it (its stdin closed).
      await until(
        "the victim's codex to exit",
        () => (codexOfVictim.every((p) => !isAlive(p)) ? true : undefined),
        30_000,
      );
    } finally {
      for (const p of procs) p.proc.kill("SIGKILL");
      await Promise.all(procs.map((p) => p.proc));
      await board.close();
      await home.remove();
    }
  });
});
