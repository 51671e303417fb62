// config.toml is read as codex reads it: TOML 1.0, a UTF-8 byte order mark allowed.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { migrate } from "../../src/migration/apply.js";
import { runCli } from "../harness/cli.js";
import { tempDir } from "../harness/tracking.js";

// TOML 1.0: mixed-type arrays (codex loads them); a BOM at the start (codex accepts it).
const TOML_10 = '\uFEFF# mine\nmodel = "gpt-5"\nnotes = [1, "two"]\n\n[features]\nplugins = false\n';

describe("TOML 1.0 as codex parses it (real codex)", () => {
  it("a BOM and a mixed-type array: migrate writes, codex accepts, doctor says it parses, --remove gives the bytes back", async () => {
    await using dir = tempDir("codex-bridge-toml-");
    const config = join(dir.path, "config.toml");
    writeFileSync(config, TOML_10);
    const src = join(dir.path, "bridge.toml");
    writeFileSync(src, '[mcp_servers.a]\ncommand = "a"\n');
    const result = await migrate({
      codexHome: dir.path,
      from: [`bridge:${src}`],
      plugins: false,
      toolServer: false,
    });
    // codex loads the file; only its --strict-config objects to the unknown key `notes`, as it did before.
    expect(result).toMatchObject({
      written: true,
      codexCheck: { rejectedOriginalToo: expect.stringContaining("unknown configuration field `notes`") },
    });
    expect(
      readFileSync(config, "utf8").startsWith('\uFEFF# mine\nmodel = "gpt-5"\nnotes = [1, "two"]\n'),
    ).toBe(true);
    const doctor = JSON.parse((await runCli(["doctor", "--json", "--codex-home", dir.path])).stdout);
    expect(doctor.config).toMatchObject({ exists: true, parses: true, error: null });
    await migrate({ codexHome: dir.path, remove: true });
    expect(readFileSync(config, "utf8")).toBe(TOML_10);
    // With a BOM alone, codex's strict check passes on what migrate writes.
    const bomOnly = TOML_10.replace('notes = [1, "two"]\n', "");
    writeFileSync(config, bomOnly);
    const again = await migrate({
      codexHome: dir.path,
      from: [`bridge:${src}`],
      plugins: false,
      toolServer: false,
    });
    expect(again).toMatchObject({ written: true, codexCheck: "passed" });
    expect(readFileSync(config, "utf8").startsWith("\uFEFF# mine\n")).toBe(true);
  });

  it("--remove on a file of root keys only, with no newline at the end, gives back the exact bytes", async () => {
    await using dir = tempDir("codex-bridge-toml-");
    const config = join(dir.path, "config.toml");
    const original = 'model = "gpt-5"\napproval_policy = "never"';
    writeFileSync(config, original);
    const src = join(dir.path, "bridge.toml");
    writeFileSync(src, '[mcp_servers.a]\ncommand = "a"\n');
    const first = await migrate({
      codexHome: dir.path,
      from: [`bridge:${src}`],
      plugins: false,
      toolServer: false,
    });
    expect(first).toMatchObject({ written: true, codexCheck: "passed" });
    expect(
      (await migrate({ codexHome: dir.path, from: [`bridge:${src}`], plugins: false, toolServer: false }))
        .changed,
    ).toBe(false);
    await migrate({ codexHome: dir.path, remove: true });
    expect(readFileSync(config, "utf8")).toBe(original);
  });
});

describe("error messages name the user's file and end in a reason", () => {
  it("codex's rejection names config.toml, not a temp copy; TOML and YAML errors end in their reason", async () => {
    await using dir = tempDir("codex-bridge-toml-");
    const config = join(dir.path, "config.toml");
    writeFileSync(config, 'model = "m"\nnot_a_codex_key = 1\n');
    const src = join(dir.path, "bridge.toml");
    writeFileSync(src, '[mcp_servers.a]\ncommand = "a"\n');
    const result = await migrate({ codexHome: dir.path, from: [`bridge:${src}`], plugins: false });
    expect(result.codexCheck).toEqual({
      rejectedOriginalToo: expect.stringMatching(
        new RegExp(`^${config.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:2:1: unknown configuration field`),
      ),
    });
    expect(JSON.stringify(result.codexCheck)).not.toContain("codex-bridge-validate-");

    writeFileSync(config, 'model = "m"\nbroken = \n');
    const toml = await runCli([
      "migrate",
      "--no-plugins",
      "--from",
      `bridge:${src}`,
      "--codex-home",
      dir.path,
    ]);
    expect(toml.exitCode).toBe(1);
    expect(toml.stderr).toMatch(/does not parse \(line 2, column \d+: [a-z][^:]*[a-z]\); fix it first/);

    writeFileSync(config, 'model = "m"\n');
    // Hermes config.yaml with a typo (a value and a mapping on one line).
    const yaml = join(dir.path, "hermes-broken.yaml");
    writeFileSync(yaml, 'mcp_servers:\n  time: command: uvx\n    args: ["mcp-server-time"]\n');
    const bad = await migrate({
      codexHome: dir.path,
      from: [`hermes:${yaml}`],
      plugins: false,
      dryRun: true,
    });
    const error = bad.report.sources[0]?.error ?? "";
    expect(error).toMatch(/hermes-broken\.yaml: .*at line 2, column \d+$/);
  });
});
