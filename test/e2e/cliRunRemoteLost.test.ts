// `codex-bridge run --remote` when its gateway goes away mid-turn: the run says
// so at once, keeps trying, says when it is back, and ends with the turn's real
// status (interrupted: the gateway that ran it died), exit 130.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createMockCodexHome, startMockResponses } from "../../src/testing/index.js";
import { contractScript } from "../contract/runtime.js";
import { cliEnv, startGatewayProcess } from "../harness/gatewayProcess.js";
import { tempDir, trackDir, trackPid } from "../harness/tracking.js";
import { waitFor } from "../harness/waitFor.js";

const bin = fileURLToPath(new URL("../../bin/codex-bridge.js", import.meta.url));

describe("run --remote across a gateway crash", () => {
  it("says the connection is lost and back, then reports the turn interrupted (exit 130)", async () => {
    const mock = await startMockResponses(contractScript);
    const home = await createMockCodexHome({ providerUrl: mock.url });
    trackDir(home.path);
    await using dir = tempDir("codex-bridge-run-lost-");
    const options = { codexHome: home.path, bridgeHome: `${dir.path}/home`, dir: dir.path };
    const first = await startGatewayProcess(options);
    const port = new URL(first.url).port;
    let second: Awaited<ReturnType<typeof startGatewayProcess>> | undefined;
    const child = spawn(
      process.execPath,
      [bin, "run", "stall here", "--remote", first.url, "--token-file", first.tokenFile, "--cwd", dir.path],
      { env: cliEnv({}), stdio: ["ignore", "pipe", "pipe"] },
    );
    if (child.pid) trackPid(child.pid);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      // The turn is running once the gateway's mock model got its request.
      await waitFor(() => mock.requests.length > 0, "the turn to reach the model", { timeoutMs: 120_000 });
      first.child.kill("SIGKILL");
      await waitFor(
        () => stderr.includes("gateway connection lost"),
        "the run to say the connection is lost",
        { timeoutMs: 120_000 },
      );
      second = await startGatewayProcess({ ...options, listen: `127.0.0.1:${port}` });
      const code = await exited;
      expect(stderr).toMatch(/gateway connection lost \(.+\): reconnecting/);
      expect(stderr).toContain("reconnected to the gateway");
      expect(stderr).toContain("turn interrupted");
      expect(code, stderr).toBe(130);
      // Said once each, in that order.
      expect(stderr.indexOf("gateway connection lost")).toBeLessThan(stderr.indexOf("reconnected"));
      expect(stderr.indexOf("reconnected")).toBeLessThan(stderr.indexOf("turn interrupted"));
    } finally {
      child.kill("SIGKILL");
      await second?.stop();
      await first.stop().catch(() => undefined);
      await mock.close();
      await home.remove();
    }
  }, 180_000);
});
