// Global setup of every vitest project: the suite never touches the real
// user's files. HOME, CODEX_HOME and CODEX_BRIDGE_HOME point into one temp
// dir for the whole run (test workers and everything they spawn inherit
// them), so a code path that falls back to `~/.codex` or `~/.codex-bridge`
// lands there. As a tripwire, hermeticCheck.ts (a setup file of every
// project) fails the test file during which the real ~/.codex-bridge appears.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

/** The variables the sandbox sets, and the real home they hide. */
export const SANDBOX_VARS = ["HOME", "CODEX_HOME", "CODEX_BRIDGE_HOME"] as const;
/** Where the tripwire finds the real bridge home and whether it existed before the run. */
export const GUARD_VAR = "CODEX_BRIDGE_TEST_GUARD";

export function setup(): () => void {
  const realHome = userInfo().homedir;
  const realBridgeHome = join(realHome, ".codex-bridge");
  const bridgeHomeExisted = existsSync(realBridgeHome);
  const root = mkdtempSync(join(tmpdir(), "codex-bridge-testhome-"));
  const saved = Object.fromEntries(SANDBOX_VARS.map((k) => [k, process.env[k]]));
  const dirs = {
    HOME: join(root, "home"),
    CODEX_HOME: join(root, "home", ".codex"),
    CODEX_BRIDGE_HOME: join(root, "home", ".codex-bridge"),
  };
  for (const [key, dir] of Object.entries(dirs)) {
    mkdirSync(dir, { recursive: true });
    process.env[key] = dir;
  }
  process.env[GUARD_VAR] = JSON.stringify({ realBridgeHome, existed: bridgeHomeExisted });
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    delete process.env[GUARD_VAR];
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
}
