// Error codes name the cause: a config file that is invalid is CONFIG_INVALID,
// a lock another process holds is LOCKED.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import { afterAll, describe, expect, it } from "vitest";
import { isBridgeError } from "../../../src/errors.js";
import { migrate } from "../../../src/migration/apply.js";
import { codexCheck } from "../../../src/migration/validate.js";
import { readRuntimeSetting, writeRuntimeSetting } from "../../../src/runtime/setting.js";

const root = mkdtempSync(join(tmpdir(), "codex-bridge-errcodes-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A CODEX_HOME holding `config` as config.toml, and a bridge source file with one server. */
function setup(config: string) {
  const dir = join(root, `case-${n++}`);
  const home = join(dir, "codex");
  mkdirSync(home, { recursive: true });
  const source = join(dir, "bridge.toml");
  writeFileSync(source, '[mcp_servers.echo]\ncommand = "node"\nargs = ["echo.js"]\n');
  const configPath = join(home, "config.toml");
  writeFileSync(configPath, config);
  return { home, source, configPath };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isBridgeError(err)) return err.code;
    throw err;
  }
  throw new Error("expected a BridgeError, got success");
}

describe("migration error codes", () => {
  it("a config.toml that does not parse is CONFIG_INVALID, and stays untouched", async () => {
    const { home, source } = setup('model = "x"\n[broken\n');
    expect(await codeOf(migrate({ codexHome: home, from: [`bridge:${source}`], plugins: false }))).toBe(
      "CONFIG_INVALID",
    );
    expect(readFileSync(join(home, "config.toml"), "utf8")).toBe('model = "x"\n[broken\n');
  });

  it("codex --strict-config rejecting the new file (but not the old one) is CONFIG_INVALID", async () => {
    const { home, source } = setup('model = "x"\n');
    // A codex that rejects any config carrying the managed block, as it would a key it does not know.
    const fake = join(root, `codex-rejects-${n++}`);
    writeFileSync(
      fake,
      [
        "#!/bin/sh",
        'if [ "$1" = "--version" ]; then echo "codex-cli 0.169.0"; exit 0; fi',
        'if grep -q codex-bridge "$CODEX_HOME/config.toml"; then echo "unknown field \\`bogus\\`" >&2; exit 1; fi',
        "exit 0",
        "",
      ].join("\n"),
    );
    chmodSync(fake, 0o755);
    expect(
      await codeOf(migrate({ codexHome: home, codexBin: fake, from: [`bridge:${source}`], plugins: false })),
    ).toBe("CONFIG_INVALID");
    expect(readFileSync(join(home, "config.toml"), "utf8")).toBe('model = "x"\n');
  });

  it("another process holding the migration lock is LOCKED, after the wait", async () => {
    const { home, source, configPath } = setup('model = "x"\n');
    const release = await lockfile.lock(configPath, {
      realpath: false,
      lockfilePath: `${configPath}.codex-bridge.lock`,
      onCompromised: () => {},
    });
    try {
      const code = await codeOf(
        migrate({ codexHome: home, from: [`bridge:${source}`], plugins: false, lockTimeoutMs: 300 }),
      );
      expect(code).toBe("LOCKED");
    } finally {
      await release();
    }
    expect(readFileSync(configPath, "utf8")).toBe('model = "x"\n');
  });

  it("a bridge config.toml that does not parse, or has a non-string runtime, is CONFIG_INVALID", async () => {
    const dir = join(root, `rt-${n++}`);
    mkdirSync(dir, { recursive: true });
    const configPath = join(dir, "config.toml");
    writeFileSync(configPath, "runtime = [broken\n");
    expect(await codeOf(Promise.resolve().then(() => readRuntimeSetting({ configPath })))).toBe(
      "CONFIG_INVALID",
    );
    expect(await codeOf(writeRuntimeSetting("auto", { configPath }))).toBe("CONFIG_INVALID");
    writeFileSync(configPath, "runtime = 1\n");
    expect(await codeOf(Promise.resolve().then(() => readRuntimeSetting({ configPath })))).toBe(
      "CONFIG_INVALID",
    );
  });

  // A codex that cannot answer says nothing about the config: not CONFIG_INVALID.
  it("codex hanging or dying during the strict check is REQUEST_TIMEOUT / PROCESS_EXITED, not a verdict", async () => {
    const script = (body: string) => {
      const path = join(root, `codex-${n++}`);
      writeFileSync(path, `#!/bin/sh\n${body}\n`);
      chmodSync(path, 0o755);
      return path;
    };
    expect(await codeOf(codexCheck('model = "x"\n', script("exec sleep 30"), { timeoutMs: 300 }))).toBe(
      "REQUEST_TIMEOUT",
    );
    expect(await codeOf(codexCheck('model = "x"\n', script("kill -9 $$")))).toBe("PROCESS_EXITED");
    expect(await codeOf(codexCheck('model = "x"\n', join(root, "no-such-codex")))).toBe("SPAWN_FAILED");
    // A real verdict stays a verdict.
    expect(await codexCheck('model = "x"\n', script('echo "unknown field" >&2; exit 1'))).toEqual({
      ok: false,
      error: "unknown field",
    });
  });
});
