// `codex-bridge migrate` picks its exit status from the error's code, never
// from its message: a path that happens to read like a usage error is still
// a refused config (1), and a usage error is 2 whatever it says.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../harness/cli.js";
import { tempDir } from "../harness/tracking.js";

describe("codex-bridge migrate exit status", () => {
  it("a config.toml that does not parse exits 1 with CONFIG_INVALID, whatever its path says", async () => {
    await using dir = tempDir("codex-bridge-migexit-");
    // Words the old exit-status rule looked for in the message.
    const home = join(dir.path, "unknown source", "path after");
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, "config.toml"), 'model = "x"\n[broken\n');
    const source = join(dir.path, "bridge.toml");
    writeFileSync(source, '[mcp_servers.echo]\ncommand = "node"\n');
    const r = await runCli([
      "migrate",
      "--json",
      "--no-plugins",
      "--from",
      `bridge:${source}`,
      "--codex-home",
      home,
    ]);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: "CONFIG_INVALID" });
    expect(r.stderr).toContain("does not parse");
    expect(readFileSync(join(home, "config.toml"), "utf8")).toBe('model = "x"\n[broken\n');
  });

  it("a usage error exits 2 with INVALID_OPTION", async () => {
    await using dir = tempDir("codex-bridge-migexit-");
    const r = await runCli(["migrate", "--json", "--from", "bridge:", "--codex-home", dir.path]);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: "INVALID_OPTION" });
  });
});
