// Runs before every e2e test file: fails fast, and loudly, when the codex
// binary cannot run, so e2e tests never pass by skipping.
import { afterEach, beforeAll } from "vitest";
import { resolveCodexBinary } from "../../src/codex/binary.js";
import { collectLeftovers } from "./tracking.js";

beforeAll(async () => {
  try {
    await resolveCodexBinary();
  } catch (err) {
    throw new Error(
      `e2e tests need the real codex binary and it cannot run here: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
});

afterEach(() => {
  const left = collectLeftovers();
  if (left.pids.length > 0 || left.dirs.length > 0) {
    throw new Error(
      `the test left behind ${left.pids.length} process(es) ${JSON.stringify(left.pids)} and ${left.dirs.length} temp dir(s) ${JSON.stringify(left.dirs)}`,
    );
  }
});
