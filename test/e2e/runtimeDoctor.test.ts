import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as TOML from "smol-toml";
import { describe, expect, it } from "vitest";
import { runCli } from "../harness/cli.js";
import { tempDir } from "../harness/tracking.js";

const echoServer = fileURLToPath(new URL("../fixtures/echoMcpServer.mjs", import.meta.url));

describe("codex-bridge runtime (real codex)", () => {
  it("on: checks codex, records the setting, migrates; off leaves codex's config alone", async () => {
    await using bridgeHome = tempDir("codex-bridge-bh-");
    await using codexHome = tempDir("codex-bridge-ch-");
    const env = { CODEX_BRIDGE_HOME: bridgeHome.path, CODEX_HOME: codexHome.path };
    writeFileSync(
      join(bridgeHome.path, "config.toml"),
      `[mcp_servers.echo]\ncommand = "node"\nargs = ["e.js"]\n`,
    );
    writeFileSync(join(codexHome.path, "config.toml"), "[features]\nplugins = false\n");

    const on = await runCli(["runtime", "on", "--json"], { env });
    expect(on.exitCode, on.stderr).toBe(0);
    const report = JSON.parse(on.stdout);
    expect(report).toMatchObject({
      ok: true,
      runtime: "codex_app_server",
      previous: "auto",
      codex: { version: "0.169.0" },
      migration: { written: true, toolServer: true, defaultPermissions: ":workspace" },
      migrationError: null,
    });
    expect(report.migration.migrated.map((m: { name: string }) => m.name)).toEqual(["echo"]);
    expect(
      readFileSync(join(bridgeHome.path, "config.toml"), "utf8").startsWith('runtime = "codex_app_server"\n'),
    ).toBe(true);
    const codexConfig = readFileSync(join(codexHome.path, "config.toml"), "utf8");
    expect(TOML.parse(codexConfig)).toMatchObject({ mcp_servers: { echo: { command: "node" } } });

    const status = await runCli(["runtime"], { env });
    expect(status.stdout).toContain("runtime: codex_app_server");
    expect(status.stdout).toContain("codex: 0.169.0");

    const off = await runCli(["runtime", "OFF"], { env });
    expect(off.stdout).toContain("codex_app_server → auto");
    expect(readFileSync(join(codexHome.path, "config.toml"), "utf8")).toBe(codexConfig);

    // Enabling again re-applies the migration: a block removed by hand comes back.
    await runCli(["migrate", "--remove"], { env });
    const again = await runCli(["runtime", "on"], { env });
    expect(again.stdout).toContain("servers migrated: echo");
    expect(readFileSync(join(codexHome.path, "config.toml"), "utf8")).toContain("[mcp_servers.echo]");
  });

  it("on: refuses, changing nothing, when codex is too old", async () => {
    await using bridgeHome = tempDir("codex-bridge-bh-");
    await using codexHome = tempDir("codex-bridge-ch-");
    const old = join(bridgeHome.path, "old-codex");
    writeFileSync(old, '#!/bin/sh\necho "codex-cli 0.100.0"\n');
    chmodSync(old, 0o755);
    const env = {
      CODEX_BRIDGE_HOME: bridgeHome.path,
      CODEX_HOME: codexHome.path,
      CODEX_BRIDGE_CODEX_BIN: old,
    };
    const r = await runCli(["runtime", "on"], { env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("older than the minimum 0.125.0");
    expect(r.stderr).toContain("nothing was changed");
    const status = await runCli(["runtime", "status", "--json"], { env });
    expect(JSON.parse(status.stdout)).toMatchObject({ runtime: "auto", ok: false });
    const usage = await runCli(["runtime", "sideways"], { env });
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toContain("is not one of status, on, off, auto, codex_app_server");
  });

  it("on: shows what migrate warns about; on again says it already is", async () => {
    await using bridgeHome = tempDir("codex-bridge-bh-");
    await using codexHome = tempDir("codex-bridge-ch-");
    const env = { CODEX_BRIDGE_HOME: bridgeHome.path, CODEX_HOME: codexHome.path };
    writeFileSync(
      join(bridgeHome.path, "config.toml"),
      `[mcp_servers.gh]\ncommand = "gh-mcp"\nenv = { GITHUB_TOKEN = "ghp_literal0123456789abcdef" }\nretries = 3\n\n` +
        `[mcp_servers.events]\nurl = "http://127.0.0.1:9/sse"\n`,
    );
    writeFileSync(join(codexHome.path, "config.toml"), "[features]\nplugins = false\n");
    const on = await runCli(["runtime", "on", "--no-plugins"], { env });
    expect(on.exitCode, on.stderr).toBe(0);
    expect(on.stdout).toContain("warning: env.GITHUB_TOKEN: a literal secret is copied");
    expect(on.stdout).toContain("skipped: retries: not a codex MCP server key");
    expect(on.stdout).toMatch(/events:\n\s+disabled: its url ends in \/sse/);
    const again = await runCli(["runtime", "on", "--no-plugins"], { env });
    expect(again.stdout).toContain("runtime: already codex_app_server");
    expect(again.stdout).not.toContain("codex_app_server → codex_app_server");
  });
});

describe("codex-bridge doctor sees the managed block and MCP servers (real codex)", () => {
  it("absent → current → drifted (with the diff), and each server's startup status", async () => {
    await using bridgeHome = tempDir("codex-bridge-bh-");
    await using codexHome = tempDir("codex-bridge-ch-");
    const env = { CODEX_BRIDGE_HOME: bridgeHome.path, CODEX_HOME: codexHome.path };
    writeFileSync(
      join(bridgeHome.path, "config.toml"),
      `[mcp_servers.echo]\ncommand = ${JSON.stringify(process.execPath)}\nargs = [${JSON.stringify(echoServer)}]\n\n` +
        `[mcp_servers.broken]\ncommand = "/nonexistent/server"\n\n` +
        `[mcp_servers.off]\ncommand = ${JSON.stringify(process.execPath)}\nargs = [${JSON.stringify(echoServer)}]\nenabled = false\n`,
    );
    const configPath = join(codexHome.path, "config.toml");
    writeFileSync(configPath, "[features]\nplugins = false\n");
    const doctor = async () => JSON.parse((await runCli(["doctor", "--json"], { env })).stdout);

    expect((await doctor()).managedBlock).toMatchObject({ state: "absent" });
    expect((await runCli(["migrate", "--no-plugins"], { env })).exitCode).toBe(0);
    const current = await doctor();
    expect(current.managedBlock).toMatchObject({ state: "current", diff: null });
    const byName = Object.fromEntries(current.mcpServers.map((s: { name: string }) => [s.name, s]));
    expect(byName.echo).toMatchObject({ status: "connected", tools: 1, error: null });
    expect(byName.broken).toMatchObject({ status: "failed" });
    expect(byName.broken.error).toBeTruthy();

    writeFileSync(
      configPath,
      readFileSync(configPath, "utf8").replace("args = [", 'args = ["--edited-by-hand", '),
    );
    const drifted = await doctor();
    expect(drifted.managedBlock.state).toBe("drifted");
    expect(drifted.managedBlock.diff).toContain("--edited-by-hand");
    const human = await runCli(["doctor"], { env });
    expect(human.stdout).toContain("managed block  drifted");
    expect(human.stdout).toMatch(/ok {3}mcp echo {2}connected, 1 tool/);
    expect(human.stdout).toMatch(/FAIL mcp broken {2}failed: /);
    // A disabled server is reported as disabled (with why), not as "connected, 0 tools".
    expect(byName.off).toMatchObject({ status: "disabled", tools: 0 });
    expect(human.stdout).toMatch(/ {5}mcp off {2}disabled: disabled in its source/);
    // After a FAIL line, doctor does not say everything is in place.
    expect(human.stdout).not.toContain("Everything needed to run a turn is in place");
    expect(human.stdout).toMatch(
      /\n(A turn can run, but|Also):\n( {2}- .*\n)* {2}- MCP server broken failed to start/,
    );
  });
});
