// `codex-bridge run --remote` against a real `codex-bridge serve` process:
// the same script run locally and through the gateway prints the same
// output (session ids aside) with the same exit status, and `attach`
// replays the gateway's session as `run` printed it.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { connect } from "../../src/runtime/clientNode.js";
import { createMockCodexHome, reply, startMockResponses } from "../../src/testing/index.js";
import { contractScript } from "../contract/runtime.js";
import { runCli } from "../harness/cli.js";
import { cliEnv, startGatewayProcess } from "../harness/gatewayProcess.js";
import { tempDir, trackDir, trackPid } from "../harness/tracking.js";

const bin = fileURLToPath(new URL("../../bin/codex-bridge.js", import.meta.url));

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const normal = (text: string) => text.replace(UUID, "<id>");

/** One model turn: a command, its result, then a streamed answer. */
const script = () => [
  reply.execCommand("echo made-by-codex > out.txt && echo done", { callId: "c1" }),
  reply.text("The command ran; out.txt is written."),
];

describe("codex-bridge run --remote", () => {
  it("prints what a local run prints for the same script, and attach replays it", async () => {
    // Two models with the same script: one for the local run, one for the gateway's.
    const localMock = await startMockResponses(script());
    const remoteMock = await startMockResponses(script());
    const localHome = await createMockCodexHome({ providerUrl: localMock.url });
    const remoteHome = await createMockCodexHome({ providerUrl: remoteMock.url });
    trackDir(localHome.path);
    trackDir(remoteHome.path);
    await using localDir = tempDir("codex-bridge-run-local-");
    await using remoteDir = tempDir("codex-bridge-run-remote-");
    await using state = tempDir("codex-bridge-run-state-");
    const gateway = await startGatewayProcess({
      codexHome: remoteHome.path,
      bridgeHome: `${state.path}/gateway-home`,
      dir: state.path,
    });
    try {
      const args = ["--sandbox", "danger-full-access", "--approval", "accept"];
      const local = await runCli(["run", "write out.txt", "--cwd", localDir.path, ...args], {
        env: { CODEX_HOME: localHome.path, CODEX_BRIDGE_HOME: `${state.path}/local-home` },
      });
      const remote = await runCli(
        [
          "run",
          "write out.txt",
          "--remote",
          gateway.url,
          "--token-file",
          gateway.tokenFile,
          "--cwd",
          remoteDir.path,
          ...args,
        ],
        { env: { CODEX_BRIDGE_HOME: `${state.path}/client-home` } },
      );
      expect(local.exitCode, local.stderr).toBe(0);
      expect(remote.exitCode, remote.stderr).toBe(0);
      expect(local.stdout).toContain("out.txt is written");
      expect(local.stderr).toContain("$ echo made-by-codex");
      expect(remote.stdout).toBe(local.stdout);
      // The closing hint of the remote run names the gateway: `--session ID --remote URL`.
      expect(remote.stderr).toContain(` --remote ${gateway.url})`);
      expect(normal(remote.stderr).replace(` --remote ${gateway.url})`, ")")).toBe(normal(local.stderr));
      // The gateway's codex did the work, in the directory given.
      expect(remoteMock.requests).toHaveLength(2);

      // attach replays the session (idle now: it exits after the replay) as run printed it.
      const id = /session (\S+) \(continue with --session/.exec(remote.stderr)?.[1] ?? "";
      const attached = await runCli(
        ["attach", id.slice(0, 8), "--remote", gateway.url, "--token-file", gateway.tokenFile],
        { env: {} },
      );
      expect(attached.exitCode, attached.stderr).toBe(0);
      expect(attached.stdout).toBe(remote.stdout);
      expect(attached.stderr).toContain("$ echo made-by-codex");
      expect(attached.stderr).toMatch(/attach --after \d+ continues from here/);

      // A wrong token is refused before anything runs.
      const wrong = `${state.path}/wrong.token`;
      writeFileSync(wrong, "wrong-token-0123456789abcdef\n");
      const refused = await runCli(["run", "hi", "--remote", gateway.url, "--token-file", wrong], {
        env: {},
      });
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toMatch(/refused the connection \(HTTP 401\)/);
    } finally {
      await gateway.stop();
      await localMock.close();
      await remoteMock.close();
      await localHome.remove();
      await remoteHome.remove();
    }
  });

  it("attach follows a running turn from a cursor and exits when it ends; --json lines carry their seq", async () => {
    const mock = await startMockResponses(contractScript);
    const home = await createMockCodexHome({ providerUrl: mock.url });
    trackDir(home.path);
    await using state = tempDir("codex-bridge-attach-");
    const gateway = await startGatewayProcess({
      codexHome: home.path,
      bridgeHome: `${state.path}/home`,
      dir: state.path,
    });
    const runtime = await connect(gateway.url, { tokenFile: gateway.tokenFile });
    try {
      const session = await runtime.startSession({ cwd: state.path });
      const first = await runtime.startTurn({ sessionId: session.id, input: "hello" });
      await runtime.waitTurn(session.id, first.turnId);
      const cursor = (await runtime.readSession(session.id)).lastSeq;
      // A slow turn (12 deltas, 250 ms apart): attach joins while it runs.
      const slow = await runtime.startTurn({ sessionId: session.id, input: "slow please" });
      const attached = await runCli(
        [
          "attach",
          session.id,
          "--remote",
          gateway.url,
          "--token-file",
          gateway.tokenFile,
          "--after",
          String(cursor),
          "--json",
        ],
        { env: {} },
      );
      expect(attached.exitCode, attached.stderr).toBe(0);
      const lines = attached.stdout
        .split("\n")
        .filter(Boolean)
        .map(
          (l) =>
            JSON.parse(l) as {
              type: string;
              seq?: number;
              turnId?: string;
              status?: string;
              finalText?: string;
            },
        );
      const seqs = lines.flatMap((l) => (l.seq === undefined ? [] : [l.seq]));
      expect(seqs).toEqual(seqs.map((_, i) => cursor + 1 + i));
      expect(lines.every((l) => l.type === "result" || l.turnId === slow.turnId)).toBe(true);
      expect(lines.at(-1)).toMatchObject({
        type: "result",
        status: "completed",
        finalText: "slowly streamed answer",
      });
      expect((await runtime.readSession(session.id)).lastSeq).toBe(seqs.at(-1));
    } finally {
      await runtime.close();
      await gateway.stop();
      await mock.close();
      await home.remove();
    }
  });

  it("attach --after past the end says where the journal ends; --follow exits 1 when the gateway shuts down", async () => {
    const mock = await startMockResponses(contractScript);
    const home = await createMockCodexHome({ providerUrl: mock.url });
    trackDir(home.path);
    await using state = tempDir("codex-bridge-attach-end-");
    const gateway = await startGatewayProcess({
      codexHome: home.path,
      bridgeHome: `${state.path}/home`,
      dir: state.path,
    });
    const runtime = await connect(gateway.url, { tokenFile: gateway.tokenFile });
    try {
      const session = await runtime.startSession({ cwd: state.path });
      const first = await runtime.startTurn({ sessionId: session.id, input: "hello" });
      await runtime.waitTurn(session.id, first.turnId);
      const end = (await runtime.readSession(session.id)).lastSeq;
      const remote = ["--remote", gateway.url, "--token-file", gateway.tokenFile];
      const past = await runCli(["attach", session.id, ...remote, "--after", "9999"], { env: {} });
      expect(past.exitCode, past.stderr).toBe(0);
      expect(past.stderr).toContain(
        `--after 9999 is past the end: the journal of ${session.id} ends at seq ${end}`,
      );
      const within = await runCli(["attach", session.id, ...remote, "--after", String(end)], { env: {} });
      expect(within.stderr).not.toContain("past the end");

      const follow = spawn(process.execPath, [bin, "attach", session.id, ...remote, "--follow"], {
        env: cliEnv({}),
        stdio: ["ignore", "pipe", "pipe"],
      });
      trackPid(follow.pid ?? 0);
      let stderr = "";
      follow.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => follow.on("exit", (code) => resolve(code)));
      const deadline = Date.now() + 30_000;
      while (!stderr.includes("continues from here") && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(stderr).toContain("continues from here");
      await runtime.close();
      await gateway.stop();
      expect(await exited, stderr).toBe(1);
      expect(stderr).toContain("the gateway is shutting down");
    } finally {
      await runtime.close();
      await gateway.stop();
      await mock.close();
      await home.remove();
    }
  });
});
