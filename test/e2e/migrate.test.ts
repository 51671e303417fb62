import { execa } from "execa";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as TOML from "smol-toml";
import { describe, expect, it } from "vitest";
import { CodexClient } from "../../src/codex/client.js";
import { migrate } from "../../src/migration/apply.js";
import { codexCheck } from "../../src/migration/validate.js";
import { resolveCodexBinary } from "../../src/codex/binary.js";
import { runCli } from "../harness/cli.js";
import { tempDir, trackPid } from "../harness/tracking.js";

const fixtures = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const USER = `# mine\nmodel = "gpt-5"\n\n[profiles.p]\nmodel = "m"\n`;

function writeSource(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}

const temps = (home: string) => readdirSync(home).filter((n) => n.endsWith(".tmp"));

describe("migrate writes config.toml safely (real codex validates)", () => {
  it("refuses a config.toml that does not parse and leaves it untouched", async () => {
    await using dir = tempDir("codex-bridge-mig-");
    const broken = 'model = "x"\n[unclosed\n';
    writeFileSync(join(dir.path, "config.toml"), broken);
    const src = writeSource(dir.path, "src.toml", '[mcp_servers.a]\ncommand = "a"\n');
    await expect(migrate({ codexHome: dir.path, from: [`bridge:${src}`], plugins: false })).rejects.toThrow(
      /config.toml does not parse .*nothing was written/,
    );
    expect(readFileSync(join(dir.path, "config.toml"), "utf8")).toBe(broken);
    expect(readdirSync(dir.path).sort()).toEqual(["config.toml", "src.toml"]);
    const cli = await runCli([
      "migrate",
      "--from",
      `bridge:${src}`,
      "--codex-home",
      dir.path,
      "--no-plugins",
    ]);
    expect(cli.exitCode).toBe(1);
    expect(cli.stderr).toContain("does not parse");
  });

  it("writes once, then changes nothing on a second run (no write at all)", async () => {
    await using dir = tempDir("codex-bridge-mig-");
    const config = join(dir.path, "config.toml");
    writeFileSync(config, USER);
    chmodSync(config, 0o640);
    const src = writeSource(dir.path, "src.toml", '[mcp_servers.a]\ncommand = "a"\n');
    const first = await migrate({ codexHome: dir.path, from: [`bridge:${src}`], plugins: false });
    expect(first).toMatchObject({ written: true, changed: true, codexCheck: "passed" });
    expect(statSync(config).mode & 0o777).toBe(0o640);
    expect(readFileSync(first.backupPath ?? "", "utf8")).toBe(USER);
    const before = statSync(config);
    const second = await migrate({ codexHome: dir.path, from: [`bridge:${src}`], plugins: false });
    expect(second).toMatchObject({ written: false, changed: false, backupPath: null });
    const after = statSync(config);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    // Remove takes the block out and gives back the user's bytes.
    const removed = await migrate({ codexHome: dir.path, remove: true });
    expect(removed.written).toBe(true);
    expect(readFileSync(config, "utf8")).toBe(USER);
  });

  it("keeps the last five backups", async () => {
    await using dir = tempDir("codex-bridge-mig-");
    writeFileSync(join(dir.path, "config.toml"), USER);
    for (let i = 0; i < 7; i++) {
      const src = writeSource(dir.path, "src.toml", `[mcp_servers.s]\ncommand = "v${i}"\n`);
      await migrate({ codexHome: dir.path, from: [`bridge:${src}`], plugins: false, toolServer: false });
    }
    expect(readdirSync(dir.path).filter((n) => n.includes("codex-bridge-backup-"))).toHaveLength(5);
  });

  it("a failure between the temp write and the rename leaves the old file and no temp file", async () => {
    await using dir = tempDir("codex-bridge-mig-");
    const config = join(dir.path, "config.toml");
    writeFileSync(config, USER);
    const src = writeSource(dir.path, "src.toml", '[mcp_servers.a]\ncommand = "a"\n');
    await expect(
      migrate({
        codexHome: dir.path,
        from: [`bridge:${src}`],
        plugins: false,
        beforeRename: () => {
          throw new Error("simulated crash");
        },
      }),
    ).rejects.toThrow("simulated crash");
    expect(readFileSync(config, "utf8")).toBe(USER);
    expect(temps(dir.path)).toEqual([]);
  });

  it("a process killed between the temp write and the rename leaves the old file; the next run cleans up", async () => {
    await using dir = tempDir("codex-bridge-mig-");
    const config = join(dir.path, "config.toml");
    writeFileSync(config, USER);
    const src = writeSource(dir.path, "src.toml", '[mcp_servers.a]\ncommand = "a"\n');
    const killed = await execa(
      process.execPath,
      [fixtures("migrateThenDie.mjs"), dir.path, `bridge:${src}`],
      {
        reject: false,
      },
    );
    expect(killed.signal).toBe("SIGKILL");
    expect(readFileSync(config, "utf8")).toBe(USER);
    expect(temps(dir.path)).toHaveLength(1);
    const next = await migrate({ codexHome: dir.path, from: [`bridge:${src}`], plugins: false });
    expect(next.written).toBe(true);
    expect(temps(dir.path)).toEqual([]);
    expect(TOML.parse(readFileSync(config, "utf8"))).toMatchObject({ mcp_servers: { a: { command: "a" } } });
  });

  it("codex --strict-config catches what a TOML parser cannot; a file codex already rejected is not blamed on us", async () => {
    const codex = await resolveCodexBinary();
    const bad = await codexCheck('[mcp_servers.a]\ncommand = "a"\nbogus = 1\n', codex.path);
    expect(bad).toEqual({
      ok: false,
      error: expect.stringContaining("unknown configuration field `mcp_servers.a.bogus`"),
    });
    await using dir = tempDir("codex-bridge-mig-");
    writeFileSync(join(dir.path, "config.toml"), "not_a_codex_key = 1\n");
    const src = writeSource(dir.path, "src.toml", '[mcp_servers.a]\ncommand = "a"\n');
    const result = await migrate({ codexHome: dir.path, from: [`bridge:${src}`], plugins: false });
    expect(result.written).toBe(true);
    expect(result.codexCheck).toEqual({ rejectedOriginalToo: expect.stringContaining("not_a_codex_key") });
  });

  it("20 concurrent migrate processes with different servers: all 20 are present", async () => {
    await using dir = tempDir("codex-bridge-mig-");
    writeFileSync(join(dir.path, "config.toml"), USER);
    const runs = Array.from({ length: 20 }, (_, i) => {
      const src = writeSource(dir.path, `src-${i}.toml`, `[mcp_servers.server-${i}]\ncommand = "cmd-${i}"\n`);
      return runCli([
        "migrate",
        "--from",
        `bridge:${src}`,
        "--codex-home",
        dir.path,
        "--no-plugins",
        "--json",
      ]);
    });
    const results = await Promise.all(runs);
    for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
    const doc = TOML.parse(readFileSync(join(dir.path, "config.toml"), "utf8")) as {
      mcp_servers: Record<string, unknown>;
    };
    const names = Object.keys(doc.mcp_servers).filter((n) => n.startsWith("server-"));
    expect(names.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `server-${i}`).sort());
    expect(readFileSync(join(dir.path, "config.toml"), "utf8").startsWith('# mine\nmodel = "gpt-5"\n')).toBe(
      true,
    );
    expect(temps(dir.path)).toEqual([]);
  });

  it("a migrated stdio MCP server starts and lists its tools in codex", async () => {
    await using dir = tempDir("codex-bridge-mig-");
    const src = writeSource(
      dir.path,
      "bridge.toml",
      `[mcp_servers.echo]\ncommand = ${JSON.stringify(process.execPath)}\nargs = [${JSON.stringify(fixtures("echoMcpServer.mjs"))}]\n`,
    );
    writeFileSync(join(dir.path, "config.toml"), "[features]\nplugins = false\n");
    const result = await migrate({
      codexHome: dir.path,
      from: [`bridge:${src}`],
      plugins: false,
      toolServer: false,
    });
    expect(result.written).toBe(true);
    await using client = await CodexClient.start({ codexHome: dir.path, cwd: dir.path });
    trackPid(client.process.pid);
    // Each thread starts its own copy of every configured server; ask about this thread's.
    const { thread } = await client.threadStart({ cwd: dir.path });
    let echo: Awaited<ReturnType<typeof client.mcpServerStatusList>>["data"][number] | undefined;
    for (let i = 0; i < 50 && echo?.runtimeStatus !== "connected"; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      echo = (await client.mcpServerStatusList({ threadId: thread.id })).data.find((s) => s.name === "echo");
    }
    expect(echo?.runtimeStatus).toBe("connected");
    expect(Object.keys(echo?.tools ?? {})).toContain("echo");
  });

  it("--dry-run prints a unified diff and writes nothing; --json reports", async () => {
    await using dir = tempDir("codex-bridge-mig-");
    writeFileSync(join(dir.path, "config.toml"), USER);
    const src = writeSource(
      dir.path,
      "cursor.json",
      JSON.stringify({ mcpServers: { c: { command: "c", foo: 1 } } }),
    );
    const dry = await runCli([
      "migrate",
      "--from",
      `cursor:${src}`,
      "--codex-home",
      dir.path,
      "--dry-run",
      "--no-plugins",
    ]);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("+[mcp_servers.c]");
    expect(dry.stdout).toContain("skipped: foo: no codex equivalent");
    expect(dry.stdout).toContain("would change");
    expect(readFileSync(join(dir.path, "config.toml"), "utf8")).toBe(USER);
    const json = await runCli([
      "migrate",
      "--from",
      `cursor:${src}`,
      "--codex-home",
      dir.path,
      "--json",
      "--no-plugins",
    ]);
    const report = JSON.parse(json.stdout) as Record<string, any>;
    expect(report).toMatchObject({
      ok: true,
      changed: true,
      written: true,
      toolServer: true,
      codexCheck: "passed",
    });
    expect(report.migrated).toEqual([
      { name: "c", source: `cursor:${src}`, skipped: ["foo: no codex equivalent"], warnings: [] },
    ]);
    expect(existsSync(report.backupPath)).toBe(true);
    const usage = await runCli(["migrate", "--from", "windsurf", "--codex-home", dir.path]);
    expect(usage.exitCode).toBe(2);
  });
});
