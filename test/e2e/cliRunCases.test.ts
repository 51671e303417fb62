// `codex-bridge run` and `sessions` as a script or a pipeline uses them (no terminal).
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { BridgeStore } from "../../src/store/store.js";
import {
  createMockCodexHome,
  item,
  type MockScript,
  reply,
  respond,
  startMockResponses,
} from "../../src/testing/index.js";
import { runCli } from "../harness/cli.js";
import { tempDir, trackDir } from "../harness/tracking.js";

const bin = fileURLToPath(new URL("../../bin/codex-bridge.js", import.meta.url));
/** The environment of the shell pipelines: nothing of the parent's CODEX_HOME etc. */
const plainEnv = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/" };

async function cliEnv(script: MockScript) {
  const mock = await startMockResponses(script);
  const home = await createMockCodexHome({ providerUrl: mock.url });
  trackDir(home.path);
  const bridgeHome = tempDir("codex-bridge-cases-");
  const env = { CODEX_HOME: home.path, CODEX_BRIDGE_HOME: bridgeHome.path };
  return {
    mock,
    env,
    home: home.path,
    cwd: bridgeHome.path,
    async [Symbol.asyncDispose]() {
      await mock.close();
      await home.remove();
      await bridgeHome[Symbol.asyncDispose]();
    },
  };
}

const sessionIdIn = (text: string) => /session (\S+) \(continue with --session/.exec(text)?.[1];

async function listSessions(env: Record<string, string>) {
  const r = await runCli(["sessions", "list", "--json"], { env });
  return JSON.parse(r.stdout) as Array<{ id: string; status: string }>;
}

describe("codex-bridge run: the answer is always printed (real codex)", () => {
  it("prints an answer that arrives as one completed message, without deltas, also after a tool call", async () => {
    await using c = await cliEnv([
      reply.text("Whole answer.", { deltas: [] }),
      reply.execCommand("echo hi", { callId: "w1" }),
      reply.text("After the tool.", { deltas: [] }),
    ]);
    const first = await runCli(["run", "hi", "--cwd", c.cwd], { env: c.env });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toBe("Whole answer.");
    const second = await runCli(
      ["run", "tool", "--approval", "accept", "--sandbox", "danger-full-access", "--cwd", c.cwd],
      { env: c.env },
    );
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toBe("After the tool.");
  });
});

describe("codex-bridge run: login (real codex)", () => {
  it("fails fast with AUTH_REQUIRED when the provider needs an OpenAI login and there is none", async () => {
    await using mock = await startMockResponses([reply.stall()]);
    await using home = tempDir("codex-bridge-nologin-");
    await using bridgeHome = tempDir("codex-bridge-nologin-bridge-");
    // The built-in openai provider (requires OpenAI auth), pointed at the mock: without the
    // check, the turn would go to the (stalling) model instead of failing.
    writeFileSync(
      join(home.path, "config.toml"),
      `model = "mock-model"\nopenai_base_url = "${mock.url}"\n\n[features]\nplugins = false\n`,
    );
    const r = await runCli(["run", "hi", "--cwd", bridgeHome.path], {
      env: { CODEX_HOME: home.path, CODEX_BRIDGE_HOME: bridgeHome.path },
    });
    expect(r.stderr).toContain("codex is not logged in: run `npx codex login`");
    expect(r.exitCode).toBe(1);
    expect(mock.requests).toHaveLength(0);
  });
});

describe("codex-bridge run: options checked before anything starts (real codex)", () => {
  it("--cwd FILE and --cwd /missing are usage errors naming the option", async () => {
    await using c = await cliEnv([]);
    const file = join(c.cwd, "a-file");
    writeFileSync(file, "x");
    const onFile = await runCli(["run", "hi", "--cwd", file], { env: c.env });
    expect(onFile.exitCode).toBe(2);
    expect(onFile.stderr).toContain(`--cwd ${file}: not a directory`);
    const missing = await runCli(["run", "hi", "--cwd", "/missing/dir"], { env: c.env });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain("--cwd /missing/dir: no such directory");
    expect(c.mock.requests).toHaveLength(0);
  });

  it("--session takes a unique prefix, refuses unknown ids before storing anything; --last continues; sessions rm deletes", async () => {
    await using c = await cliEnv([reply.text("One."), reply.text("Two."), reply.text("Three.")]);
    const first = await runCli(["run", "first", "--cwd", c.cwd], { env: c.env });
    expect(first.exitCode, first.stderr).toBe(0);
    const id = sessionIdIn(first.stderr) ?? "";
    expect(id).not.toBe("");

    for (const bad of ["nope", "0123", "00000000-0000-0000-0000-000000000000"]) {
      const r = await runCli(["run", "again", "--session", bad, "--cwd", c.cwd], { env: c.env });
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toContain(`--session: no session ${bad}`);
    }
    expect((await listSessions(c.env)).map((s) => s.id)).toEqual([id]);

    const byPrefix = await runCli(["run", "second", "--session", id.slice(0, 8), "--cwd", c.cwd], {
      env: c.env,
    });
    expect(byPrefix.exitCode, byPrefix.stderr).toBe(0);
    expect(byPrefix.stdout).toBe("Two.");
    const last = await runCli(["run", "third", "--last", "--cwd", c.cwd], { env: c.env });
    expect(last.exitCode, last.stderr).toBe(0);
    expect(last.stdout).toBe("Three.");
    expect(sessionIdIn(last.stderr)).toBe(id);
    expect(JSON.stringify(c.mock.requests[2]?.body.input)).toContain("second");

    const rmMissing = await runCli(["sessions", "rm", "nope"], { env: c.env });
    expect(rmMissing.exitCode).toBe(1);
    expect(rmMissing.stderr).toContain("no session nope");
    const rm = await runCli(["sessions", "rm", id.slice(0, 8)], { env: c.env });
    expect(rm.exitCode, rm.stderr).toBe(0);
    expect(rm.stdout).toBe(`deleted ${id}`);
    expect(await listSessions(c.env)).toEqual([]);
    const noLast = await runCli(["run", "x", "--last"], { env: c.env });
    expect(noLast.exitCode).toBe(2);
    expect(noLast.stderr).toContain("--last: there is no session yet");
  });

  it("-o writes the last message; -c passes a config override to codex (TOML value, else a string)", async () => {
    await using c = await cliEnv([reply.text("Saved answer.")]);
    const file = join(c.cwd, "last.txt");
    const r = await runCli(
      ["run", "hi", "-o", file, "-c", 'model="other-model"', "-c", "model_verbosity=low", "--cwd", c.cwd],
      { env: c.env },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(file, "utf8")).toBe("Saved answer.");
    expect(c.mock.requests[0]?.body.model).toBe("other-model");
    const bad = await runCli(["run", "hi", "-c", "novalue"], { env: c.env });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("expected key=value");
  });
});

describe("codex-bridge in a pipeline and with a bad home (real codex)", () => {
  it("| head -1 ends quietly: no stack trace, exit 141, the turn interrupted, not left running", async () => {
    const pieces = Array.from({ length: 300 }, (_, i) => `word${i} `);
    await using c = await cliEnv([
      respond([item.message(pieces.join(""), { deltas: pieces })], { eventDelayMs: 50 }),
    ]);
    const command = `'${process.execPath}' '${bin}' run go --json --cwd '${c.cwd}' | head -1; echo "status=\${PIPESTATUS[0]}" >&2`;
    const r = await execa("bash", ["-c", command], {
      env: { ...plainEnv, ...c.env },
      extendEnv: false,
      reject: false,
      timeout: 120_000,
    });
    expect(r.stdout.split("\n")).toHaveLength(1);
    expect(r.stderr).not.toContain("EPIPE");
    expect(r.stderr).not.toContain("    at ");
    expect(r.stderr).toContain("status=141");
    const [session] = await listSessions(c.env);
    expect(session?.status).not.toBe("running");
    const shown = JSON.parse(
      (await runCli(["sessions", "show", session?.id ?? "", "--json"], { env: c.env })).stdout,
    ) as {
      turns: Array<{ status: string }>;
    };
    expect(shown.turns[0]?.status).toBe("interrupted");
  });

  it("sessions list | head -1 ends quietly", async () => {
    await using home = tempDir("codex-bridge-listpipe-");
    {
      using store = BridgeStore.open(join(home.path, "bridge.db"));
      for (let i = 0; i < 3000; i++) {
        store.createSession({
          id: `s-${i}`,
          threadId: null,
          cwd: "/w",
          model: null,
          title: `title ${i}`,
          status: "idle",
          options: {},
        });
      }
    }
    const command = `'${process.execPath}' '${bin}' sessions list --limit 3000 | head -1; echo "status=\${PIPESTATUS[0]}" >&2`;
    const r = await execa("bash", ["-c", command], {
      env: { ...plainEnv, CODEX_BRIDGE_HOME: home.path },
      extendEnv: false,
      reject: false,
      timeout: 60_000,
    });
    expect(r.stdout.split("\n")).toHaveLength(1);
    expect(r.stderr).not.toContain("    at ");
    expect(r.stderr).toMatch(/status=(0|141)/);
  });

  it("sessions rm: a turn a live process runs is never deleted; --force deletes one another host ran", async () => {
    await using home = tempDir("codex-bridge-rmlive-");
    const env = { ...plainEnv, CODEX_BRIDGE_HOME: home.path };
    {
      using store = BridgeStore.open(join(home.path, "bridge.db"));
      for (const id of ["s-here", "s-there"]) {
        store.createSession({
          id,
          threadId: null,
          cwd: "/w",
          model: null,
          title: null,
          status: "running",
          options: {},
        });
        // Owned by this (live) test process.
        store.startTurn(id, "go");
      }
      store.db
        .prepare("UPDATE turns SET owner_json = ? WHERE session_id = 's-there'")
        .run(JSON.stringify({ host: "another-machine", pid: 1, start: null, boot: null }));
    }
    for (const args of [["s-here"], ["--force", "s-here"]]) {
      const r = await runCli(["sessions", "rm", ...args], { env });
      expect(r.exitCode, r.stderr).toBe(1);
      expect(r.stderr).toContain(`s-here is running a turn in process ${process.pid} on this host`);
    }
    const unforced = await runCli(["sessions", "rm", "s-there"], { env });
    expect(unforced.exitCode).toBe(1);
    expect(unforced.stderr).toContain("use --force");
    const forced = await runCli(["sessions", "rm", "--force", "s-there"], { env });
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect((await listSessions(env)).map((s) => s.id)).toEqual(["s-here"]);
  });

  it("every command that prints ends quietly when stdout's reader is already gone (runtime, doctor, --help …)", async () => {
    await using home = tempDir("codex-bridge-gone-");
    const env = {
      ...plainEnv,
      HOME: home.path,
      CODEX_HOME: join(home.path, "codex"),
      CODEX_BRIDGE_HOME: join(home.path, "bridge"),
    };
    const commands = [
      ["runtime"],
      ["runtime", "--json"],
      ["doctor"],
      ["sessions", "list"],
      ["migrate", "--dry-run"],
      ["kanban", "list", "--board", join(home.path, "board.db")],
      ["--help"],
      ["run", "--help"],
      ["--version"],
    ];
    for (const args of commands) {
      // The parent closes its end of the pipe at once: every write of the child meets EPIPE.
      const child = spawn(process.execPath, [bin, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
      child.stdout.destroy();
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(stderr, args.join(" ")).not.toContain("EPIPE");
      expect(stderr, args.join(" ")).not.toContain("    at ");
      expect([0, 1, 141], `${args.join(" ")}: ${stderr}`).toContain(code);
    }
  });

  it("--limit must be a whole number >= 1 (exit 2); a home under /proc fails at once, naming it", async () => {
    await using home = tempDir("codex-bridge-limit-");
    for (const bad of ["abc", "-3", "0", "1.5"]) {
      const r = await runCli(["sessions", "list", "--limit", bad], { env: { CODEX_BRIDGE_HOME: home.path } });
      expect(r.exitCode, `${bad}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain("expected a whole number >= 1");
    }
    const proc = await runCli(["sessions", "list"], { env: { CODEX_BRIDGE_HOME: "/proc/nope" } });
    expect(proc.exitCode).toBe(1);
    expect(proc.stderr).toMatch(/cannot create .*\/proc\/nope/);
    const runtime = await runCli(["runtime", "off"], { env: { CODEX_BRIDGE_HOME: "/proc/nope" } });
    expect(runtime.exitCode).toBe(1);
    expect(runtime.stderr).toContain("cannot create /proc/nope");
  });
});

describe("codex-bridge run: quiet unless it matters (real codex)", () => {
  it("says nothing about approvals when none is asked; says it once when one is declined", async () => {
    await using c = await cliEnv([
      reply.text("fine"),
      reply.execCommand("touch nope", { callId: "q1" }),
      reply.text("ok"),
    ]);
    const quiet = await runCli(["run", "hi", "--cwd", c.cwd], { env: c.env });
    expect(quiet.exitCode, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toContain("no terminal");
    const asked = await runCli(["run", "try", "--approval-policy", "untrusted", "--cwd", c.cwd], {
      env: c.env,
    });
    expect(asked.exitCode).toBe(0);
    expect(asked.stderr.match(/codex-bridge run: no terminal to ask on/g)).toHaveLength(1);
    expect(asked.stderr).toContain("→ decline");
    expect(existsSync(join(c.cwd, "nope"))).toBe(false);
  });

  it("warns when --approval decline cannot stop anything (approval_policy never), and times out in --timeout terms", async () => {
    await using c = await cliEnv([reply.stall()]);
    const r = await runCli(["run", "hi", "--approval", "decline", "--timeout", "2", "--cwd", c.cwd], {
      env: c.env,
    });
    expect(r.stderr).toContain('approval_policy is "never"');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("--timeout 2");
    expect(r.stderr).not.toContain("turnTimeoutMs");
    const help = await runCli(["run", "--help"]);
    expect(help.stdout).toContain("default: 600");
    expect(help.stdout).toContain("cannot stop what");
    expect(help.stdout).toContain("--output-last-message");
  });

  it("demo shows the approval before the command; --interactive without a terminal is a usage error", async () => {
    const r = await runCli(["demo"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const approval = r.stderr.indexOf("? approval: run `mkdir -p demo-output");
    const command = r.stderr.indexOf("$ mkdir -p demo-output");
    expect(approval).toBeGreaterThanOrEqual(0);
    expect(command).toBeGreaterThan(approval);
    const interactive = await runCli(["demo", "--interactive"]);
    expect(interactive.exitCode).toBe(2);
    expect(interactive.stderr).toContain("--interactive needs a terminal");
  });
});
