// Exit 1 means something was not migrated, and the output says what.
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../harness/cli.js";
import { tempDir } from "../harness/tracking.js";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/migration/${name}`, import.meta.url));

describe("migrate exit status and error lines", () => {
  it("the user's own server kept over two sources is not a failure; a server lost to another source is, and says so", async () => {
    await using dir = tempDir("codex-bridge-exit-");
    copyFileSync(fixture("codex-user-config.toml"), join(dir.path, "config.toml"));
    const args = [
      "migrate",
      "--no-plugins",
      "--codex-home",
      dir.path,
      "--from",
      `claude-desktop:${fixture("claude-desktop-github.json")}`,
      "--from",
      `cursor:${fixture("cursor-github.json")}`,
    ];
    const env = { CODEX_BRIDGE_HOME: join(dir.path, "bridge") };
    const r = await runCli([...args, "--dry-run"], { env });
    // github: both sources define it, and so does the user: the user's stays, nothing failed.
    expect(r.stdout).toContain("= github: kept your own definition outside the block");
    expect(r.stdout).not.toMatch(/! .*server github /);
    // memory: both sources define it; claude-desktop's is not migrated — an error, named.
    expect(r.stdout).toMatch(
      /! error: server memory from claude-desktop:\S+ was not migrated: cursor:\S+ defines it too/,
    );
    expect(r.stdout).toContain("error: not everything was migrated (1 server(s) not migrated;");
    expect(r.exitCode).toBe(1);

    const json = JSON.parse((await runCli([...args, "--dry-run", "--json"], { env })).stdout);
    expect(json.ok).toBe(false);
    expect(json.errors.map((e: { name: string }) => e.name)).toEqual(["memory"]);
    expect(json.kept).toEqual(["github"]);
  });
});
