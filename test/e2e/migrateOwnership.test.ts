// The user's own servers are never lost, whatever codex's own `codex mcp
// add/remove` do to config.toml between two migrations (they rewrite the
// file, and tables move across the block's marker comments).
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { migrate } from "../../src/migration/apply.js";
import { tempDir } from "../harness/tracking.js";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/migration/${name}`, import.meta.url));
const codexBin = fileURLToPath(new URL("../../node_modules/.bin/codex", import.meta.url));

async function codexMcp(home: string, args: string[]) {
  const r = await execa(codexBin, ["mcp", ...args], {
    env: { CODEX_HOME: home, RUST_LOG: "error" },
    reject: false,
    stdin: "ignore",
  });
  expect(r.exitCode, String(r.stderr)).toBe(0);
}

const serversIn = (home: string) =>
  (parseToml(readFileSync(join(home, "config.toml"), "utf8")) as { mcp_servers?: Record<string, unknown> })
    .mcp_servers ?? {};

describe("ownership survives codex rewriting config.toml (real codex mcp add/remove)", () => {
  it("migrate, codex mcp remove/add, migrate, migrate --remove: the user's servers stay", async () => {
    await using dir = tempDir("codex-bridge-own-");
    copyFileSync(fixture("codex-user-config.toml"), join(dir.path, "config.toml"));
    const cursor = join(dir.path, "mcp.json");
    copyFileSync(fixture("cursor-two.json"), cursor);
    const run = (extra: Partial<Parameters<typeof migrate>[0]> = {}) =>
      migrate({
        codexHome: dir.path,
        from: [`cursor:${cursor}`],
        plugins: false,
        toolServer: false,
        ...extra,
      });

    await run();
    await codexMcp(dir.path, ["remove", "context7"]);
    const github = serversIn(dir.path).github;
    expect(github).toEqual({ command: "github-mcp-server", args: ["stdio"], env_vars: ["GITHUB_TOKEN"] });

    const second = await run();
    expect(second.report.retained).toEqual([]);
    expect(second.report.rewritten).toBe(true);
    expect(second.report.repairs.join("\n")).toContain("github is yours");
    expect(serversIn(dir.path)).toMatchObject({ github, context7: {}, memory: {} });

    await codexMcp(dir.path, ["add", "mine", "--", "my-server", "--flag"]);
    const third = await run();
    expect(third.report.repairs.join("\n")).toMatch(/mine.* yours/);
    expect(serversIn(dir.path)).toMatchObject({ github, mine: { command: "my-server" }, context7: {} });
    // A fourth run is a no-op: the rebuilt file is clean again.
    expect((await run()).changed).toBe(false);

    await migrate({ codexHome: dir.path, remove: true });
    const left = serversIn(dir.path);
    expect(Object.keys(left).sort()).toEqual(["github", "mine"]);
    expect(left.github).toEqual(github);
    const text = readFileSync(join(dir.path, "config.toml"), "utf8");
    expect(text).not.toContain("codex-bridge managed block");
    expect(text).toContain("# My codex setup — keep this comment");
  });

  it("a table the bridge wrote and the user edited becomes the user's and is not reverted or removed", async () => {
    await using dir = tempDir("codex-bridge-own-");
    copyFileSync(fixture("codex-user-config.toml"), join(dir.path, "config.toml"));
    const cursor = join(dir.path, "mcp.json");
    copyFileSync(fixture("cursor-two.json"), cursor);
    await migrate({ codexHome: dir.path, from: [`cursor:${cursor}`], plugins: false, toolServer: false });
    const config = join(dir.path, "config.toml");
    writeFileSync(
      config,
      readFileSync(config, "utf8").replace('"@upstash/context7-mcp"', '"@upstash/context7-mcp@1.0.0"'),
    );
    const again = await migrate({
      codexHome: dir.path,
      from: [`cursor:${cursor}`],
      plugins: false,
      toolServer: false,
    });
    expect(again.report.kept).toEqual(["context7"]);
    expect(again.report.repairs.join()).toContain("context7: edited since migrate wrote it");
    await migrate({ codexHome: dir.path, remove: true });
    expect(serversIn(dir.path).context7).toEqual({
      command: "npx",
      args: ["-y", "@upstash/context7-mcp@1.0.0"],
    });
    expect(serversIn(dir.path).memory).toBeUndefined();
  });
});
