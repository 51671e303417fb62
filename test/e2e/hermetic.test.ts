// The suite never reaches the real user's files: the global setup points
// HOME and both homes at a temp dir, and the CLI harness passes the CLI only
// what a test gives it (plus PATH and that HOME), never the parent's
// environment — so a CODEX_HOME or CODEX_BRIDGE_HOME set around the tests
// cannot leak into a CLI run.
import { userInfo } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createMockCodexHome, mockCodexConfig } from "../../src/testing/index.js";
import { runCli } from "../harness/cli.js";

const saved = { CODEX_HOME: process.env.CODEX_HOME, CODEX_BRIDGE_HOME: process.env.CODEX_BRIDGE_HOME };
afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe("hermetic tests", () => {
  it("HOME and both homes point away from the real user's", () => {
    const real = userInfo().homedir;
    for (const key of ["HOME", "CODEX_HOME", "CODEX_BRIDGE_HOME"]) {
      expect(process.env[key], key).toBeTruthy();
      expect(process.env[key]?.startsWith(real + "/") || process.env[key] === real, key).toBe(false);
    }
  });

  it("the CLI harness does not pass the parent's CODEX_HOME or CODEX_BRIDGE_HOME on", async () => {
    process.env.CODEX_HOME = "/nonexistent/leaked-codex-home";
    process.env.CODEX_BRIDGE_HOME = "/nonexistent/leaked-bridge-home";
    const runtime = await runCli(["runtime", "status", "--json"]);
    const { configPath } = JSON.parse(runtime.stdout) as { configPath: string };
    expect(configPath).not.toContain("leaked");
    expect(configPath.startsWith(userInfo().homedir + "/")).toBe(false);

    const doctor = await runCli(["doctor", "--json"]);
    const report = JSON.parse(doctor.stdout) as { codexHome: { path: string }; home: string };
    expect(report.codexHome.path).not.toContain("leaked");
    expect(report.home).not.toBe(userInfo().homedir);

    // What a test passes explicitly does reach the CLI.
    const explicit = await runCli(["runtime", "status", "--json"], {
      env: { CODEX_BRIDGE_HOME: "/nonexistent/given" },
    });
    expect((JSON.parse(explicit.stdout) as { configPath: string }).configPath).toBe(
      join("/nonexistent/given", "config.toml"),
    );
  });

  it("the testing kit refuses approval_policy untrusted in config.toml (codex 0.169 rejects it there)", async () => {
    expect(() =>
      mockCodexConfig({ providerUrl: "http://127.0.0.1:1/v1", approvalPolicy: "untrusted" as never }),
    ).toThrow(/untrusted.*per turn/);
    await expect(
      createMockCodexHome({ providerUrl: "http://127.0.0.1:1/v1", approvalPolicy: "untrusted" as never }),
    ).rejects.toThrow(/untrusted/);
  });
});
