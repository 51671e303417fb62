import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { approvalChoices } from "../../../src/cli/prompt.js";
import { ensureDirectory } from "../../../src/cli/storeAccess.js";
import { configOverride, existingDirectory, positiveInteger } from "../../../src/cli/usage.js";
import type { ApprovalRequest } from "../../../src/codex/approvalRequests.js";
import { BridgeError } from "../../../src/errors.js";

const dir = mkdtempSync(join(tmpdir(), "codex-bridge-usage-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("CLI values", () => {
  it("-c parses the value as TOML, else keeps the string", () => {
    let o = configOverride('model="o3"');
    o = configOverride("model_reasoning_effort=high", o);
    o = configOverride("sandbox_workspace_write.network_access=true", o);
    o = configOverride("tools.list=[1, 2]", o);
    o = configOverride("x = 1.5", o);
    expect(o).toEqual({
      model: "o3",
      model_reasoning_effort: "high",
      "sandbox_workspace_write.network_access": true,
      "tools.list": [1, 2],
      x: 1.5,
    });
    expect(() => configOverride("noequals")).toThrow(/key=value/);
    expect(() => configOverride("=v")).toThrow(/key=value/);
  });

  it("--limit is a whole number >= 1", () => {
    expect(positiveInteger("7")).toBe(7);
    for (const bad of ["abc", "-3", "0", "1.5", "", "1e3"]) expect(() => positiveInteger(bad)).toThrow();
  });

  it("--cwd must be an existing directory", () => {
    const file = join(dir, "f");
    writeFileSync(file, "");
    expect(existingDirectory("--cwd", dir)).toBe(dir);
    expect(() => existingDirectory("--cwd", file)).toThrow("--cwd");
    expect(() => existingDirectory("--cwd", join(dir, "nope"))).toThrow("no such directory");
  });

  it("creates the store's home level by level, and fails at once where mkdir cannot (e.g. /proc)", () => {
    ensureDirectory(join(dir, "a", "b", "c"));
    expect(() => ensureDirectory(join(dir, "a", "b", "c"))).not.toThrow();
    const err = (() => {
      try {
        ensureDirectory("/proc/nope/deeper");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(BridgeError);
    expect((err as BridgeError).code).toBe("STORE_FAILED");
    expect((err as BridgeError).message).toContain("/proc/nope");
  });
});

describe("approval choices at the terminal", () => {
  const command = (choices: string[], amendment: string[] | null) =>
    ({
      kind: "command",
      command: { command: "ls", cwd: null, argv: ["ls"], choices, amendment },
    }) as unknown as ApprovalRequest;

  it("offers session scope only where codex does, and the permanent rule only as its own labelled choice", () => {
    const offered = approvalChoices(command(["accept", "acceptWithExecpolicyAmendment", "cancel"], ["ls"]));
    expect(offered.map((c) => c.key)).toEqual(["a", "p", "d"]);
    expect(offered.find((c) => c.key === "p")?.label).toContain("permanent rule");
    expect(offered.find((c) => c.key === "p")?.decision.decision).toBe("acceptWithExecpolicyAmendment");
    const session = approvalChoices(command(["accept", "acceptForSession", "decline"], null));
    expect(session.map((c) => [c.key, c.decision.decision])).toEqual([
      ["a", "accept"],
      ["s", "acceptForSession"],
      ["d", "decline"],
    ]);
  });
});
