import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// The same script `npm run protocol:generate` runs.
import { GENERATED_DIR, generateProtocol, listFiles } from "../../scripts/generateProtocol.mjs";
import { resolveCodexBinary } from "../../src/codex/binary.js";
import { GENERATED_FROM_CODEX_VERSION } from "../../src/codex/protocol/index.js";
import { trackDir } from "../harness/tracking.js";

describe("generated protocol types", () => {
  it("match what the installed codex binary generates", async () => {
    const binary = await resolveCodexBinary();
    const out = mkdtempSync(join(tmpdir(), "codex-bridge-drift-"));
    trackDir(out);
    // codex runs with a CODEX_HOME of its own, never the user's ~/.codex.
    const codexHome = mkdtempSync(join(tmpdir(), "codex-bridge-drift-home-"));
    trackDir(codexHome);
    try {
      const version = generateProtocol(binary.path, out, { ...process.env, CODEX_HOME: codexHome });
      expect(version).toBe(binary.version);
      expect(GENERATED_FROM_CODEX_VERSION, "committed types were generated from another codex version").toBe(
        binary.version,
      );
      const fresh = listFiles(out);
      const committed = listFiles(GENERATED_DIR);
      expect(committed, "run `npm run protocol:generate` and commit the result").toEqual(fresh);
      const differing = fresh.filter(
        (file) => readFileSync(join(out, file), "utf8") !== readFileSync(join(GENERATED_DIR, file), "utf8"),
      );
      expect(differing, "run `npm run protocol:generate` and commit the result").toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
      rmSync(codexHome, { recursive: true, force: true });
    }
  });
});
