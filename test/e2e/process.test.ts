import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it, vi } from "vitest";
import { AppServerProcess } from "../../src/codex/process.js";
import { BridgeError } from "../../src/errors.js";
import { functionCallOutputs, item, reply, respond } from "../../src/testing/index.js";
import { launchCodex, textInput } from "../harness/launch.js";
import { isAlive, tempDir, trackPid } from "../harness/tracking.js";

function childEnv(pid: number): Map<string, string> {
  const raw = readFileSync(`/proc/${pid}/environ`, "utf8");
  return new Map(
    raw
      .split("\0")
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)] as [string, string]),
  );
}

describe("the codex process (real codex)", () => {
  it.runIf(process.platform === "linux")(
    "keeps the parent's HOME and sets CODEX_HOME to the temp dir",
    async () => {
      await using codex = await launchCodex({ script: [] });
      const env = childEnv(codex.client.process.pid);
      expect(env.get("HOME")).toBe(process.env.HOME);
      expect(env.get("CODEX_HOME")).toBe(codex.home.path);
      expect(env.get("RUST_LOG")).toBe(process.env.RUST_LOG ?? "warn");
    },
  );

  it("runs tools with the real HOME: a command codex executes prints it", async () => {
    await using codex = await launchCodex({
      script: [
        respond([item.execCommand('printf "%s|%s" "$HOME" "$CODEX_HOME"', { callId: "call-env" })]),
        reply.text("done"),
      ],
    });
    const { client, workdir, mock } = codex;
    const { thread } = await client.threadStart({ cwd: workdir, sandbox: "danger-full-access" });
    const done = client.notifications({ threadId: thread.id, methods: ["turn/completed"] });
    await client.turnStart({ threadId: thread.id, input: textInput("print env") });
    await done.next();
    await done.return?.();
    const output = String(functionCallOutputs(mock.requests[1]?.body ?? {}).get("call-env"));
    expect(output).toContain(`${process.env.HOME}|${codex.home.path}`);
  });

  it("rejects pending requests with PROCESS_EXITED and the stderr tail when codex dies mid-turn", async () => {
    await using codex = await launchCodex({ script: [reply.stall()] });
    const { client, workdir, mock } = codex;
    const { thread } = await client.threadStart({ cwd: workdir });
    await client.turnStart({ threadId: thread.id, input: textInput("hang") });
    await mock.waitForRequests(1);
    const notifications = client.notifications({ threadId: thread.id });
    // Queued behind the kill: the request is pending when the process dies.
    const pending = client.threadStart({ cwd: workdir });
    client.process.kill("SIGKILL");
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BridgeError);
    const bridgeError = err as BridgeError;
    expect(bridgeError.code).toBe("PROCESS_EXITED");
    expect(bridgeError.details).toMatchObject({ signal: "SIGKILL", exitCode: null });
    expect(bridgeError.message).toContain("codex app-server exited (signal SIGKILL); last stderr lines:");
    // codex logs a warning about the mock model's metadata on every turn: it must be in the tail.
    expect((bridgeError.details.stderrTail as string[]).join("\n")).toContain("mock-model");
    // A live notification stream ends with the same error instead of hanging.
    await expect(
      (async () => {
        for await (const _ of notifications) {
          // drain
        }
      })(),
    ).rejects.toMatchObject({ code: "PROCESS_EXITED" });
    // Calls after the exit fail at once with the exit reason.
    expect(() => client.process.connection.request("thread/start", {})).toThrow(/exited \(signal SIGKILL\)/);
  });

  it("close() ends the process and leaves no orphan", async () => {
    await using codex = await launchCodex({ script: [] });
    const pid = codex.client.process.pid;
    expect(isAlive(pid)).toBe(true);
    const info = await codex.client.process.close();
    expect(info).toEqual({ exitCode: 0, signal: null });
    expect(isAlive(pid)).toBe(false);
  });

  it("an aborted parent signal shuts the process down", async () => {
    await using codex = await launchCodex({ script: [] });
    const controller = new AbortController();
    const proc = await AppServerProcess.spawn({
      codexHome: codex.home.path,
      cwd: codex.workdir,
      signal: controller.signal,
    });
    trackPid(proc.pid);
    expect(isAlive(proc.pid)).toBe(true);
    controller.abort();
    await proc.exited;
    expect(isAlive(proc.pid)).toBe(false);
  });

  it("escalates through SIGTERM to SIGKILL when codex ignores the end of stdin", async () => {
    await using codex = await launchCodex({ script: [], client: { shutdownGraceMs: 300 } });
    const proc = codex.client.process;
    // A stopped process reacts neither to EOF nor to SIGTERM: only SIGKILL ends it.
    proc.kill("SIGSTOP");
    const started = Date.now();
    const info = await proc.close();
    expect(info.signal).toBe("SIGKILL");
    // Two grace periods passed first: one after ending stdin, one after SIGTERM.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 300 - 20);
    expect(isAlive(proc.pid)).toBe(false);
  });
});

describe("the codex process group (real codex)", () => {
  const pgid = (pid: number) => {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
  };

  it.runIf(process.platform === "linux")(
    "runs codex in its own process group, so a terminal's Ctrl-C reaches only the bridge",
    async () => {
      await using codex = await launchCodex({ script: [] });
      const pid = codex.client.process.pid;
      expect(pgid(pid)).toBe(pid);
      expect(pgid(pid)).not.toBe(pgid(process.pid));
    },
  );

  it.each(["SIGKILL", "exit"] as const)("codex still ends when its host ends (%s)", async (how) => {
    await using home = tempDir("codex-bridge-hostdeath-");
    const processJs = fileURLToPath(new URL("../../dist/codex/process.js", import.meta.url));
    const script = `
      const { AppServerProcess } = await import(${JSON.stringify(processJs)});
      const p = await AppServerProcess.spawn({ codexHome: ${JSON.stringify(home.path)}, cwd: ${JSON.stringify(home.path)} });
      console.log(p.pid);
      ${how === "exit" ? "setTimeout(() => process.exit(3), 300);" : "setInterval(() => {}, 1000);"}
    `;
    const host = execa(process.execPath, ["--input-type=module", "-e", script], { reject: false });
    let codexPid = 0;
    host.stdout?.on("data", (chunk: Buffer) => {
      codexPid ||= Number(String(chunk).trim());
    });
    await vi.waitFor(() => expect(codexPid).toBeGreaterThan(0), { timeout: 30_000, interval: 50 });
    trackPid(codexPid);
    if (how === "SIGKILL") host.kill("SIGKILL");
    await host;
    await vi.waitFor(() => expect(isAlive(codexPid)).toBe(false), { timeout: 30_000, interval: 100 });
  });
});
