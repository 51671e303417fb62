import { execa } from "execa";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createMockCodexHome, type MockScript, reply, startMockResponses } from "../../src/testing/index.js";
import { runCli } from "../harness/cli.js";
import { tempDir, trackDir } from "../harness/tracking.js";

const bin = fileURLToPath(new URL("../../bin/codex-bridge.js", import.meta.url));

/** A mock model, a CODEX_HOME for it and a bridge home, as environment for the CLI. */
async function cliEnv(script: MockScript) {
  const mock = await startMockResponses(script);
  const home = await createMockCodexHome({ providerUrl: mock.url });
  trackDir(home.path);
  const bridgeHome = tempDir("codex-bridge-clihome-");
  const env = { CODEX_HOME: home.path, CODEX_BRIDGE_HOME: bridgeHome.path };
  return {
    mock,
    env,
    cwd: bridgeHome.path,
    async [Symbol.asyncDispose]() {
      await mock.close();
      await home.remove();
      await bridgeHome[Symbol.asyncDispose]();
    },
  };
}

const lines = (stdout: string) =>
  stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("codex-bridge run (real codex)", () => {
  it("streams the answer and prints the session id; --session continues it", async () => {
    await using c = await cliEnv([reply.text("Four."), reply.text("Still four.")]);
    const first = await runCli(["run", "What is 2+2?", "--cwd", c.cwd], { env: c.env });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toBe("Four.");
    const id = /session (\S+) \(continue with --session/.exec(first.stderr)?.[1];
    expect(id).toBeTruthy();
    const second = await runCli(["run", "Are you sure?", "--session", id ?? "", "--cwd", c.cwd], {
      env: c.env,
    });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toBe("Still four.");
    expect(JSON.stringify(c.mock.requests[1]?.body.input)).toContain("What is 2+2?");

    const list = await runCli(["sessions", "list", "--json"], { env: c.env });
    expect(JSON.parse(list.stdout)).toMatchObject([{ id, status: "idle", title: "What is 2+2?" }]);
    const show = await runCli(["sessions", "show", id ?? "", "--json"], { env: c.env });
    const shown = JSON.parse(show.stdout) as { turns: unknown[]; messages: Array<{ content: string }> };
    expect(shown.turns).toHaveLength(2);
    expect(shown.messages.map((m) => m.content)).toEqual([
      "What is 2+2?",
      "Four.",
      "Are you sure?",
      "Still four.",
    ]);
    const human = await runCli(["sessions", "show", id ?? ""], { env: c.env });
    expect(human.stdout).toContain("assistant: Still four.");
    const missing = await runCli(["sessions", "show", "nope"], { env: c.env });
    expect(missing.exitCode).toBe(1);
  });

  it("--json prints one object per event with type and sessionId, the result last; the prompt can come from stdin", async () => {
    await using c = await cliEnv([reply.execCommand("echo from-json", { callId: "j1" }), reply.text("done")]);
    const r = await runCli(
      ["run", "--json", "--approval", "accept", "--approval-policy", "untrusted", "--cwd", c.cwd],
      {
        env: c.env,
        input: "run something",
      },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const out = lines(r.stdout);
    const sessionId = out.at(-1)?.sessionId;
    expect(out.every((l) => typeof l.type === "string" && l.sessionId === sessionId)).toBe(true);
    const types = out.map((l) => l.type);
    expect(types).toContain("approval.requested");
    expect(types).toContain("approval.resolved");
    expect(out.at(-1)).toMatchObject({
      type: "result",
      status: "completed",
      finalText: "done",
      threadId: expect.any(String),
    });
    expect(JSON.stringify(c.mock.requests[0]?.body.input)).toContain("run something");
  });

  it("without a terminal, --approval ask declines and says so", async () => {
    await using c = await cliEnv([reply.execCommand("touch nope", { callId: "d1" }), reply.text("ok")]);
    const r = await runCli(["run", "try", "--approval-policy", "untrusted", "--cwd", c.cwd], { env: c.env });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain("no terminal to ask on: approval requests are declined");
    expect(r.stderr).toContain("→ decline");
  });

  it("asks at a terminal and runs the command once accepted", async () => {
    await using c = await cliEnv([
      reply.execCommand("echo tty-accepted", { callId: "t1" }),
      reply.text("ran it"),
    ]);
    // `script` gives the CLI a real pseudo-terminal; "a" answers the prompt.
    const command = [
      process.execPath,
      bin,
      "run",
      "go",
      "--approval-policy",
      "untrusted",
      "--sandbox",
      "danger-full-access",
      "--cwd",
      c.cwd,
    ]
      .map((a) => `'${a}'`)
      .join(" ");
    const r = await execa("script", ["-q", "-e", "-c", command, "/dev/null"], {
      env: { ...process.env, ...c.env },
      input: "a\n",
      reject: false,
      timeout: 60_000,
    });
    expect(r.stdout).toContain("codex wants to run `echo tty-accepted`");
    expect(r.stdout).toContain("→ accept (by handler)");
    expect(r.stdout).toContain("ran it");
    expect(r.exitCode).toBe(0);
    const output = JSON.stringify(c.mock.requests[1]?.body.input);
    expect(output).toContain("tty-accepted");
  });

  it("exits 1 on a failed turn, 2 on usage errors", async () => {
    await using c = await cliEnv([reply.httpError(500, "boom")]);
    const failed = await runCli(["run", "x", "--cwd", c.cwd], { env: c.env });
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain("turn failed");
    const noPrompt = await runCli(["run"], { env: c.env, input: "" });
    expect(noPrompt.exitCode).toBe(2);
    expect(noPrompt.stderr).toContain("no prompt");
    const badChoice = await runCli(["run", "x", "--approval", "maybe"], { env: c.env });
    expect(badChoice.exitCode).toBe(2);
    expect(badChoice.stderr).toContain("--approval <mode>' argument 'maybe' is invalid");
  });

  it("Ctrl-C interrupts the turn and exits 130", async () => {
    await using c = await cliEnv([reply.stall()]);
    const child = execa(process.execPath, [bin, "run", "hang", "--json", "--cwd", c.cwd], {
      env: { ...process.env, ...c.env },
      reject: false,
      stdin: "ignore",
    });
    await c.mock.waitForRequests(1);
    child.kill("SIGINT");
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(lines(String(r.stdout)).at(-1)).toMatchObject({ type: "result", status: "interrupted" });
  });

  it("demo passes offline", async () => {
    const r = await runCli(["demo"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain("demo passed");
    expect(r.stderr).toMatch(/\? approval: run `mkdir -p demo-output/);
  });
});
