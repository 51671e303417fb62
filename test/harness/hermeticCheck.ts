// Setup file of every project: fails the test file during which the real
// user's ~/.codex-bridge appeared (hermeticHome.ts points HOME and the homes
// elsewhere; this catches a code path that finds the real home anyway).
import { existsSync } from "node:fs";
import { afterAll, beforeAll } from "vitest";
import { GUARD_VAR } from "./hermeticHome.js";

const guard = JSON.parse(process.env[GUARD_VAR] ?? "null") as {
  realBridgeHome: string;
  existed: boolean;
} | null;

beforeAll(() => {
  if (!guard)
    throw new Error(`${GUARD_VAR} is not set: run the tests through vitest.config.ts (its globalSetup)`);
});

afterAll(() => {
  if (guard && !guard.existed && existsSync(guard.realBridgeHome)) {
    throw new Error(
      `${guard.realBridgeHome} appeared during this test file: something reached the real user's bridge home (set CODEX_BRIDGE_HOME or a store path); remove it before the next run`,
    );
  }
});
