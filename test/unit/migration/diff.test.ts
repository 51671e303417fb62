// The diff migrate prints is the one `diff -u` prints (hunks, end of file, "\ No newline").
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { unifiedDiff } from "../../../src/util/diff.js";

const cases: Array<[string, string, string]> = [
  ["append after a last line without newline", "x", "x\nz\nq\nw\n"],
  ["append at end of file", 'model = "x"\n', 'model = "x"\n# block\n[t]\n'],
  ["remove the last line", "a\nb\nc\n", "a\nb\n"],
  ["add a newline at the end", "a\nb", "a\nb\n"],
  [
    "change in the middle of a long file",
    `${"l\n".repeat(20)}mid\n${"r\n".repeat(20)}`,
    `${"l\n".repeat(20)}MID\n${"r\n".repeat(20)}`,
  ],
  ["from nothing", "", "a\nb\n"],
  ["to nothing", "a\n", ""],
  ["two hunks", `a\n${"k\n".repeat(10)}b\n`, `A\n${"k\n".repeat(10)}B\n`],
];

describe("unifiedDiff matches diff -u", () => {
  it.each(cases)("%s", async (_name, before, after) => {
    const dir = mkdtempSync(join(tmpdir(), "codex-bridge-diff-"));
    try {
      writeFileSync(join(dir, "a"), before);
      writeFileSync(join(dir, "b"), after);
      const gnu = await execa("diff", ["-u", "--label", "a", "--label", "b", "a", "b"], {
        cwd: dir,
        reject: false,
      });
      expect(unifiedDiff(before, after)).toBe(`${String(gnu.stdout)}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is empty for equal texts", () => {
    expect(unifiedDiff("a\n", "a\n")).toBe("");
  });
});
