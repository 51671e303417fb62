// What the CLI prints for a person, run in-process against a store in a temp dir.
import { existsSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Command } from "commander";
import { connectableUrl } from "../../../src/cli/commands/serve.js";
import { buildProgram, main } from "../../../src/cli/main.js";
import type { Output } from "../../../src/cli/output.js";
import { BridgeStore } from "../../../src/store/store.js";
import { tempDir } from "../../harness/tracking.js";

let home: ReturnType<typeof tempDir>;
let saved: string | undefined;

beforeEach(() => {
  home = tempDir("codex-bridge-clitext-");
  saved = process.env.CODEX_BRIDGE_HOME;
  process.env.CODEX_BRIDGE_HOME = home.path;
});
afterEach(async () => {
  if (saved === undefined) delete process.env.CODEX_BRIDGE_HOME;
  else process.env.CODEX_BRIDGE_HOME = saved;
  process.exitCode = undefined;
  await home[Symbol.asyncDispose]();
});

async function cli(...args: string[]) {
  let stdout = "";
  let stderr = "";
  const out: Output = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) };
  process.exitCode = undefined;
  const exitCode = await main(["node", "codex-bridge", ...args], out);
  process.exitCode = undefined;
  return { exitCode, stdout, stderr };
}

describe("sessions show (text)", () => {
  it("shows each turn's status, with the error code of a failed or interrupted one", async () => {
    {
      using store = BridgeStore.open(`${home.path}/bridge.db`);
      store.createSession({
        id: "s1",
        threadId: "t1",
        cwd: "/",
        model: null,
        title: "hi",
        status: "idle",
        options: {},
      });
      const a = store.startTurn("s1", "first question");
      store.finishTurn("s1", a, { status: "completed", finalText: "ok" });
      const b = store.startTurn("s1", "second question");
      store.finishTurn("s1", b, {
        status: "failed",
        finalText: "",
        error: { code: "MODEL_ERROR", message: "the model failed\nmore" },
      });
      const c = store.startTurn("s1", "third question");
      store.finishTurn("s1", c, { status: "interrupted", finalText: "", error: { code: "INTERRUPTED" } });
    }
    const r = await cli("sessions", "show", "s1");
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain("   1  completed    first question\n");
    expect(r.stdout).toContain("   2  failed       MODEL_ERROR: the model failed  (second question)\n");
    expect(r.stdout).toContain("   3  interrupted  INTERRUPTED  (third question)\n");
  });
});

describe("kanban workers' sessions", () => {
  it("are marked in sessions list and show, and run --last passes over them", async () => {
    {
      using store = BridgeStore.open(`${home.path}/bridge.db`);
      const base = { threadId: null, cwd: "/", model: null, status: "idle" as const };
      store.createSession(
        { ...base, id: "worker-1", title: "Work on task", options: { taskId: "1a2b3c4d5e6f" } },
        2000,
      );
    }
    const onlyWorker = await cli("run", "hi", "--last");
    expect(onlyWorker.exitCode).toBe(2);
    expect(onlyWorker.stderr).toContain("--last: there is no session yet (kanban workers' do not count)");
    {
      using store = BridgeStore.open(`${home.path}/bridge.db`);
      store.createSession(
        { threadId: null, cwd: "/", model: null, status: "idle", id: "mine-1", title: "my own", options: {} },
        1000,
      );
      store.createSession(
        {
          threadId: null,
          cwd: "/",
          model: null,
          status: "idle",
          id: "cut-1",
          title: "cut short",
          options: {},
        },
        500,
      );
      store.finishTurn("cut-1", store.startTurn("cut-1", "go"), { status: "interrupted", finalText: "" });
    }
    const list = await cli("sessions", "list");
    expect(list.exitCode, list.stderr).toBe(0);
    const lines = list.stdout.split("\n").filter(Boolean);
    expect(lines[0]).toMatch(/^worker-1 .* \[kanban task 1a2b3c4d5e6f\] Work on task$/);
    expect(lines[1]).toMatch(/^mine-1 .* idle {9}my own$/);
    // An idle session whose last turn was interrupted is listed as the gateway lists it.
    expect(lines[2]).toMatch(/^cut-1 .* interrupted {2}cut short$/);
    const show = await cli("sessions", "show", "worker-1");
    expect(show.stdout).toContain("task    1a2b3c4d5e6f (a kanban worker's session)\n");
  });
});

describe("help", () => {
  it("`help bogus` is `bogus`: unknown command, exit 2", async () => {
    const direct = await cli("bogus");
    const viaHelp = await cli("help", "bogus");
    expect(direct.exitCode).toBe(2);
    expect(direct.stderr).toContain("error: unknown command 'bogus'");
    expect(viaHelp).toEqual(direct);
    const known = await cli("help", "sessions");
    expect(known.exitCode).toBe(0);
    expect(known.stdout).toContain("Usage: codex-bridge sessions");
  });

  it("every option states its default once, and no [] default", async () => {
    const program = await buildProgram({ stdout: () => undefined, stderr: () => undefined });
    const problems: string[] = [];
    const walk = (command: Command, path: string) => {
      const help = command.createHelp();
      for (const option of command.options) {
        const text = help.optionDescription(option);
        if ((text.match(/default/gi) ?? []).length > 1 || text.includes("default: []")) {
          problems.push(`${path} ${option.flags}: ${text}`);
        }
      }
      for (const sub of command.commands) walk(sub, `${path} ${sub.name()}`);
    };
    walk(program, "codex-bridge");
    expect(problems).toEqual([]);
  });
});

describe("--token-file", () => {
  it("a missing file is worded the same by serve, run --remote and attach", async () => {
    const missing = `${home.path}/nope/token`;
    const expected = `--token-file ${missing}: no such file`;
    const serve = await cli("serve", "--token-file", missing);
    const run = await cli("run", "hi", "--remote", "ws://127.0.0.1:1", "--token-file", missing);
    const attach = await cli("attach", "s1", "--remote", "ws://127.0.0.1:1", "--token-file", missing);
    for (const r of [serve, run, attach]) {
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(expected);
    }
  });
});

describe("exit status of a bad --board", () => {
  it("is a usage error (2) for serve as for kanban, and serve leaves no store behind", async () => {
    const serve = await cli("serve", "--board", "ftp://host/board");
    const kanban = await cli("kanban", "list", "--board", "ftp://host/board");
    for (const r of [serve, kanban]) {
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toContain('the board URL "ftp://…" names no board');
    }
    expect(existsSync(`${home.path}/bridge.db`)).toBe(false);
  });
});

describe("serve's hints", () => {
  it("name loopback for a wildcard bind, and leave any other address as bound", () => {
    expect(connectableUrl("ws://0.0.0.0:46517")).toBe("ws://127.0.0.1:46517");
    expect(connectableUrl("ws://[::]:46517")).toBe("ws://[::1]:46517");
    expect(connectableUrl("ws://192.168.1.5:7777")).toBe("ws://192.168.1.5:7777");
    expect(connectableUrl("ws://127.0.0.1:7777")).toBe("ws://127.0.0.1:7777");
  });
});
