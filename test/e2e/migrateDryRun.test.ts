// A dry run and doctor create and change nothing: not the CODEX_HOME folder,
// not codex's state files (sqlite, skills) that codex writes as it starts.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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
});
