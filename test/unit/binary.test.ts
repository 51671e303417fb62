import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  CODEX_BIN_ENV,
  clearCodexBinaryCache,
  compareVersions,
  MIN_CODEX_VERSION,
  parseCodexVersion,
  resolveCodexBinary,
} from "../../src/codex/binary.js";

const dir = mkdtempSync(join(tmpdir(), "codex-bridge-bin-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => clearCodexBinaryCache());

function fakeBinary(name: string, versionOutput: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\necho "${versionOutput}"\n`);
  chmodSync(path, 0o755);
  return path;
}

describe("resolveCodexBinary", () => {
  it("prefers the explicit option over the environment variable", async () => {
    const explicit = fakeBinary("explicit", "codex-cli 0.170.1");
    const fromEnv = fakeBinary("env", "codex-cli 0.150.0");
    const found = await resolveCodexBinary({
      codexBin: explicit,
      env: { [CODEX_BIN_ENV]: fromEnv, PATH: "" },
    });
    expect(found).toEqual({ path: explicit, source: "option", version: "0.170.1" });
  });

  it("uses CODEX_BRIDGE_CODEX_BIN before the bundled binary", async () => {
    const fromEnv = fakeBinary("env2", "codex-cli 0.150.0");
    const found = await resolveCodexBinary({ env: { [CODEX_BIN_ENV]: fromEnv, PATH: "" } });
    expect(found).toEqual({ path: fromEnv, source: "env", version: "0.150.0" });
  });

  it("falls back to the bundled @openai/codex binary", async () => {
    const found = await resolveCodexBinary({ env: { PATH: "" } });
    expect(found.source).toBe("bundled");
    expect(found.path).toMatch(/@openai[/\\]codex-[a-z0-9]+-[a-z0-9]+[/\\]vendor[/\\]/);
    expect(found.version).toBe("0.169.0");
  });

  it("refuses a binary older than the minimum, with the install hint", async () => {
    const old = fakeBinary("old", "codex-cli 0.100.0");
    const err = await resolveCodexBinary({ codexBin: old }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "CODEX_TOO_OLD" });
    expect(String((err as Error).message)).toContain(`older than the minimum ${MIN_CODEX_VERSION}`);
    expect(String((err as Error).message)).toContain("npm install @openai/codex@");
  });

  it("runs `codex --version` once per binary, however it was found (doctor finds it, then starts it by path)", async () => {
    const counter = join(dir, "runs.txt");
    const path = join(dir, "counted");
    writeFileSync(path, `#!/bin/sh\necho run >> "${counter}"\necho "codex-cli 0.170.0"\n`);
    chmodSync(path, 0o755);
    const viaEnv = await resolveCodexBinary({ env: { [CODEX_BIN_ENV]: path, PATH: "" } });
    const byPath = await resolveCodexBinary({ codexBin: path });
    expect([viaEnv.version, byPath.version]).toEqual(["0.170.0", "0.170.0"]);
    expect(readFileSync(counter, "utf8").trim().split("\n")).toHaveLength(1);
  });

  it("names the option when the explicit path is not executable", async () => {
    const err = await resolveCodexBinary({ codexBin: join(dir, "missing") }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "CODEX_NOT_FOUND", message: expect.stringContaining("codexBin") });
  });

  it("names the variable when CODEX_BRIDGE_CODEX_BIN is wrong, without falling through", async () => {
    const err = await resolveCodexBinary({ env: { [CODEX_BIN_ENV]: "/nope/codex" } }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: "CODEX_NOT_FOUND", message: expect.stringContaining(CODEX_BIN_ENV) });
  });

  it("reports a binary that prints no version", async () => {
    const silent = fakeBinary("silent", "hello");
    await expect(resolveCodexBinary({ codexBin: silent })).rejects.toMatchObject({
      code: "CODEX_NOT_FOUND",
      message: expect.stringContaining("printed no version"),
    });
  });

  it("caches a successful lookup per process", async () => {
    const bin = fakeBinary("cached", "codex-cli 0.160.0");
    const first = await resolveCodexBinary({ codexBin: bin });
    writeFileSync(bin, `#!/bin/sh\necho "codex-cli 0.161.0"\n`);
    expect(await resolveCodexBinary({ codexBin: bin })).toBe(first);
    clearCodexBinaryCache();
    expect((await resolveCodexBinary({ codexBin: bin })).version).toBe("0.161.0");
  });
});

describe("versions", () => {
  it("parses codex --version output", () => {
    expect(parseCodexVersion("codex-cli 0.169.0\n")).toBe("0.169.0");
    expect(parseCodexVersion("codex-cli 0.170.0-alpha.2")).toBe("0.170.0-alpha.2");
    expect(parseCodexVersion("no digits")).toBeUndefined();
  });

  it("compares numerically, pre-releases before releases", () => {
    expect(compareVersions("0.125.0", "0.99.9")).toBe(1);
    expect(compareVersions("0.125.0", "0.125.0")).toBe(0);
    expect(compareVersions("0.125.0-alpha.1", "0.125.0")).toBe(-1);
    expect(compareVersions("1.0.0", "0.200.0")).toBe(1);
  });
});
