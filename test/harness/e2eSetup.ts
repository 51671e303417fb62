// Runs before every e2e test file: fails fast, and loudly, when the codex
// binary cannot run, so e2e tests never pass by skipping.
import { beforeAll } from "vitest";
import { resolveCodexBinary } from "../../src/codex/binary.js";

beforeAll(async () => {
  try {
    await resolveCodexBinary();
  } catch (err) {
    throw new Error(
      `e2e tests need the real codex binary and it cannot run here: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
});
