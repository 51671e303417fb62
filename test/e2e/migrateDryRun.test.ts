// A dry run and doctor create and change nothing: not the CODEX_HOME folder,
// not codex's state files (sqlite, skills) that codex writes as it starts.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../harness/cli.js";
import { tempDir } from "../harness/tracking.js";

const CONFIG = '# mine\nmodel = "m"\n\n[features]\nplugins = false\n';

describe("nothing is created by --dry-run or doctor (real codex)", () => {
  it("a missing CODEX_HOME is a clear error and is not created", async () => {
    await using dir = tempDir("codex-bridge-dry-");
    const missing = join(dir.path, "nope");
    const src = join(dir.path, "bridge.toml");
    writeFileSync(src, '[mcp_servers.a]\ncommand = "a"\n');
    const dry = await runCli(["migrate", "--dry-run", "--from", `bridge:${src}`, "--codex-home", missing]);
    expect(dry.exitCode).toBe(1);
    expect(dry.stderr).toContain(`CODEX_HOME ${missing} does not exist`);
    expect(existsSync(missing)).toBe(false);
    const real = await runCli(["migrate", "--json", "--from", `bridge:${src}`, "--codex-home", missing]);
    expect(JSON.parse(real.stdout)).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(existsSync(missing)).toBe(false);
    const doctor = await runCli(["doctor", "--codex-home", missing]);
    expect(`${doctor.stdout}${doctor.stderr}`).not.toMatch(/stack backtrace/i);
    expect(existsSync(missing)).toBe(false);
  });

  it("--dry-run with plugin discovery, and doctor, leave CODEX_HOME exactly as it was", async () => {
    await using dir = tempDir("codex-bridge-dry-");
    const home = join(dir.path, "codex");
    mkdirSync(home);
    writeFileSync(join(home, "config.toml"), CONFIG);
    const src = join(dir.path, "bridge.toml");
    writeFileSync(src, '[mcp_servers.a]\ncommand = "a"\n');
    const env = { CODEX_BRIDGE_HOME: join(dir.path, "bridge") };
    const dry = await runCli(["migrate", "--dry-run", "--from", `bridge:${src}`, "--codex-home", home], {
      env,
    });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("would change");
    expect(readdirSync(home)).toEqual(["config.toml"]);
    await runCli(["doctor", "--codex-home", home], { env });
    expect(readdirSync(home)).toEqual(["config.toml"]);
    expect(readFileSync(join(home, "config.toml"), "utf8")).toBe(CONFIG);
    expect(existsSync(env.CODEX_BRIDGE_HOME)).toBe(false);
  });

  it("--dry-run and --json never print the secrets the report flags; they are masked as codex mcp list does", async () => {
    await using dir = tempDir("codex-bridge-dry-");
    writeFileSync(join(dir.path, "config.toml"), CONFIG);
    const src = fileURLToPath(new URL("../fixtures/migration/claude-desktop-secrets.json", import.meta.url));
    const args = ["migrate", "--no-plugins", "--from", `claude-desktop:${src}`, "--codex-home", dir.path];
    const secrets = [
      "ghp_R3alLo0kingT0kenValue0123456789",
      "BSAq1w2e3r4t5y6u7i8o9p0",
      "sk-live-0123456789abcdefghij",
    ];
    for (const extra of [["--dry-run"], ["--dry-run", "--json"], ["--json"]]) {
      const r = await runCli([...args, ...extra]);
      expect(r.exitCode, r.stderr).toBe(0);
      for (const secret of secrets) expect(r.stdout, extra.join(" ")).not.toContain(secret);
      if (extra.includes("--dry-run")) expect(r.stdout).toContain("GITHUB_PERSONAL_ACCESS_TOKEN = ");
      if (extra.includes("--dry-run")) expect(r.stdout).toContain("*****");
    }
    // The file itself holds them (the report warned): only the printing is masked.
    expect(readFileSync(join(dir.path, "config.toml"), "utf8")).toContain(secrets[0]);
  });
});
