// Managing what migrate wrote, as `codex mcp` and `claude mcp` let a user
// manage their servers: remove one source or one server, list them.
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { runCli } from "../harness/cli.js";
import { tempDir } from "../harness/tracking.js";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/migration/${name}`, import.meta.url));
const serversIn = (home: string) =>
  Object.keys(
    (parseToml(readFileSync(join(home, "config.toml"), "utf8")) as { mcp_servers?: object }).mcp_servers ??
      {},
  ).sort();

async function setUp(dir: string) {
  copyFileSync(fixture("codex-user-config.toml"), join(dir, "config.toml"));
  const cursor = join(dir, "mcp.json");
  copyFileSync(fixture("cursor-two.json"), cursor);
  const bridge = join(dir, "bridge.toml");
  writeFileSync(bridge, '[mcp_servers.notes]\ncommand = "notes-mcp"\n');
  const env = { CODEX_BRIDGE_HOME: join(dir, "bridge-home") };
  const home = ["--codex-home", dir];
  const first = await runCli(
    ["migrate", "--no-plugins", "--from", `cursor:${cursor}`, "--from", `bridge:${bridge}`, ...home],
    { env },
  );
  expect(first.exitCode, first.stderr).toBe(0);
  return { env, home, cursor };
}

describe("migrate remove / --remove --from", () => {
  it("--remove --from KIND takes out only that source's servers, and --json names them", async () => {
    await using dir = tempDir("codex-bridge-manage-");
    const { env, home } = await setUp(dir.path);
    expect(serversIn(dir.path)).toEqual(["codex-bridge-tools", "context7", "github", "memory", "notes"]);
    const r = await runCli(["migrate", "--remove", "--from", "cursor", "--json", ...home], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { removed: string[]; sources: unknown[] };
    expect(report.removed).toEqual(["context7", "memory"]);
    expect(report.sources).toEqual([]);
    expect(serversIn(dir.path)).toEqual(["codex-bridge-tools", "github", "notes"]);
    const text = await runCli(["migrate", "--remove", "--from", "cursor", ...home], { env });
    expect(text.stdout).not.toContain("not found");

    const one = await runCli(["migrate", "remove", "notes", "--json", ...home], { env });
    expect(one.exitCode, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout).removed).toEqual(["notes"]);
    expect(serversIn(dir.path)).toEqual(["codex-bridge-tools", "github"]);

    const mine = await runCli(["migrate", "remove", "github", ...home], { env });
    expect(mine.exitCode).toBe(1);
    expect(mine.stderr).toContain("github is your own server, not one migrate wrote");
    const all = await runCli(["migrate", "--remove", "--json", ...home], { env });
    expect(JSON.parse(all.stdout).removed).toEqual(["codex-bridge-tools"]);
    expect(readFileSync(join(dir.path, "config.toml"), "utf8")).toBe(
      readFileSync(fixture("codex-user-config.toml"), "utf8"),
    );
  });

  it("migrate list: the servers migrate wrote, their source, enabled or not and why; --json", async () => {
    await using dir = tempDir("codex-bridge-manage-");
    const { env, home, cursor } = await setUp(dir.path);
    const sse = join(dir.path, "sse.json");
    copyFileSync(fixture("cursor-sse.json"), sse);
    await runCli(["migrate", "--no-plugins", "--from", `cursor:${sse}`, ...home], { env });
    const r = await runCli(["migrate", "list", "--json", ...home], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as { servers: Array<Record<string, unknown>> };
    const byName = Object.fromEntries(list.servers.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual([
      "asana",
      "codex-bridge-tools",
      "context7",
      "linear",
      "memory",
      "notes",
    ]);
    expect(byName.memory).toEqual({
      name: "memory",
      source: `cursor:${cursor}`,
      from: null,
      enabled: true,
      disabled: null,
    });
    expect(byName.linear).toMatchObject({
      enabled: false,
      disabled: expect.stringContaining("streamable HTTP only"),
    });
    expect(byName.github).toBeUndefined();
    const text = await runCli(["migrate", "list", ...home], { env });
    expect(text.stdout).toMatch(/ {2}linear {2}disabled {2}cursor:\S+\n {6}why: type sse/);
    expect(text.stdout).toMatch(/ {2}memory {2}enabled {3}cursor:/);
    const before = readFileSync(join(dir.path, "config.toml"), "utf8");
    expect(readFileSync(join(dir.path, "config.toml"), "utf8")).toBe(before);
  });
});
