import { readFileSync, writeFileSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseRuntimeSetting, readRuntimeSetting, writeRuntimeSetting } from "../../src/runtime/setting.js";

const dir = mkdtempSync(join(tmpdir(), "codex-bridge-runtime-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the runtime setting", () => {
  it("maps on/off and the names, case-insensitively, and rejects others by name", () => {
    expect(parseRuntimeSetting("ON")).toBe("codex_app_server");
    expect(parseRuntimeSetting("Codex_App_Server")).toBe("codex_app_server");
    expect(parseRuntimeSetting("off")).toBe("auto");
    expect(parseRuntimeSetting("AUTO")).toBe("auto");
    expect(() => parseRuntimeSetting("maybe")).toThrow(
      'runtime "maybe" is not one of status, on, off, auto, codex_app_server',
    );
  });

  it("defaults to auto, creates the file, and edits only its own line", async () => {
    const path = join(dir, "a", "config.toml");
    expect(readRuntimeSetting({ configPath: path })).toBe("auto");
    expect(await writeRuntimeSetting("codex_app_server", { configPath: path })).toBe("auto");
    expect(readFileSync(path, "utf8")).toBe('runtime = "codex_app_server"\n');

    const other = join(dir, "b.toml");
    const original = '# my bridge config\nnote = """\n[not a table]\n"""\n\n[mcp_servers.x]\ncommand = "x"\n';
    writeFileSync(other, original);
    await writeRuntimeSetting("codex_app_server", { configPath: other });
    expect(readFileSync(other, "utf8")).toBe(`runtime = "codex_app_server"\n${original}`);
    await writeRuntimeSetting("auto", { configPath: other });
    expect(readFileSync(other, "utf8")).toBe(`runtime = "auto"\n${original}`);
    expect(readRuntimeSetting({ configPath: other })).toBe("auto");
  });

  it("refuses a bridge config that does not parse", async () => {
    const bad = join(dir, "bad.toml");
    writeFileSync(bad, "runtime = \n");
    expect(() => readRuntimeSetting({ configPath: bad })).toThrow(/does not parse/);
    await expect(writeRuntimeSetting("auto", { configPath: bad })).rejects.toThrow(/does not parse/);
    expect(readFileSync(bad, "utf8")).toBe("runtime = \n");
  });
});
