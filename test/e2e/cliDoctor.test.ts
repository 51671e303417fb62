import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createMockCodexHome, startMockResponses } from "../../src/testing/index.js";
import type { DoctorReport } from "../../src/codex/diagnostics.js";
import { runCli } from "../harness/cli.js";
import { tempDir, trackDir } from "../harness/tracking.js";

describe("codex-bridge CLI", () => {
  it("prints help and version, and exits 2 on usage errors", async () => {
    const help = await runCli(["--help"]);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain("Usage: codex-bridge");
    expect(help.stdout).toContain("doctor");
    const version = await runCli(["--version"]);
    expect(version).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    const doctorHelp = await runCli(["doctor", "--help"]);
    expect(doctorHelp.stdout).toContain("--json");
    expect(doctorHelp.stdout).toContain("Exit status");
    const unknown = await runCli(["frobnicate"]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const badOption = await runCli(["doctor", "--nope"]);
    expect(badOption.exitCode).toBe(2);
    expect(badOption.stderr).toContain("unknown option '--nope'");
  });

  it("doctor --json: ok with a CODEX_HOME whose provider needs no login (real codex)", async () => {
    await using mock = await startMockResponses([]);
    await using home = await createMockCodexHome({ providerUrl: mock.url });
    trackDir(home.path);
    const r = await runCli(["doctor", "--json", "--codex-home", home.path], {
      env: { HOME: process.env.HOME ?? "" },
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      ok: true,
      binary: { ok: true, version: "0.169.0", source: "bundled", minimum: "0.125.0" },
      codexHome: { path: home.path, source: "option", exists: true },
      home: process.env.HOME,
      config: { exists: true, parses: true },
      account: { ok: true, status: "not-required", requiresOpenaiAuth: false },
      problems: [],
    });
  });

  it("doctor: exit 1 and says to log in when the default provider needs an account", async () => {
    await using dir = tempDir("codex-bridge-doctor-");
    const home = dir.path;
    const r = await runCli(["doctor", "--codex-home", home], { env: { HOME: process.env.HOME ?? "" } });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("login required: run `npx codex login`");
    expect(r.stdout).toMatch(/ok {3}codex version {2}0\.169\.0/);
  });

  it("doctor: exit 1 naming the parse error of a broken config.toml", async () => {
    await using dir = tempDir("codex-bridge-doctor-");
    const home = dir.path;
    writeFileSync(join(home, "config.toml"), 'model = "x"\n[broken\n');
    const r = await runCli(["doctor", "--json", "--codex-home", home], {
      env: { HOME: process.env.HOME ?? "" },
    });
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(report.config).toMatchObject({ exists: true, parses: false });
    expect(report.problems.join("\n")).toContain("config.toml does not parse");
  });

  it("doctor: exit 1 with the install hint when the binary is too old", async () => {
    await using dir = tempDir("codex-bridge-oldbin-");
    const old = join(dir.path, "codex");
    writeFileSync(old, '#!/bin/sh\necho "codex-cli 0.100.0"\n');
    chmodSync(old, 0o755);
    const r = await runCli(["doctor", "--json", "--codex-bin", old]);
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.binary).toMatchObject({ ok: false, version: "0.100.0", path: old });
    expect(report.binary.error).toContain("npm install @openai/codex@0.169.0");
  });
});
