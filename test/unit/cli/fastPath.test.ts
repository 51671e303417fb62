// Start-up of the CLI: `--version` and `--help` load neither commander nor
// any command module, and a command loads only its own module. Observed with
// NODE_DEBUG=esm (Node logs every module it loads), not with timings.
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { TOP_LEVEL_HELP } from "../../../src/cli/fastPath.js";
import { buildProgram } from "../../../src/cli/main.js";

const bin = fileURLToPath(new URL("../../../bin/codex-bridge.js", import.meta.url));

/** The files (as paths relative to the package) Node loaded to run the CLI with `args`. */
async function loadedFiles(args: string[]) {
  const result = await execa(process.execPath, [bin, ...args], {
    reject: false,
    extendEnv: false,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_DEBUG: "esm" },
    timeout: 60_000,
    stdin: "ignore",
    stripFinalNewline: false,
  });
  const root = fileURLToPath(new URL("../../../", import.meta.url));
  const files = [...String(result.stderr).matchAll(/Storing (file:\/\/\S+)/g)].map((m) =>
    fileURLToPath(m[1] ?? "").replace(root, ""),
  );
  return { files: [...new Set(files)], stdout: String(result.stdout), exitCode: result.exitCode };
}

describe("CLI start-up", () => {
  it("--version and --help load no dependency and no command module", async () => {
    for (const flag of ["--version", "-V", "--help", "-h"]) {
      const { files, stdout, exitCode } = await loadedFiles([flag]);
      expect(exitCode).toBe(0);
      expect(stdout.length).toBeGreaterThan(0);
      expect(files.filter((f) => f.includes("node_modules"))).toEqual([]);
      expect(files.filter((f) => f.includes("commands/") || f.endsWith("cli/main.js"))).toEqual([]);
    }
  });

  it("a command loads its own module and no other command's", async () => {
    const { files, stdout } = await loadedFiles(["sessions", "--help"]);
    expect(stdout).toContain("Usage: codex-bridge sessions");
    const commands = files.filter((f) => f.includes("dist/cli/commands/")).map((f) => f.split("/").at(-1));
    expect(commands).toEqual(["sessions.js"]);
  });

  it("the fast --help is exactly what commander renders for the whole program", async () => {
    const program = await buildProgram();
    program.configureOutput({ getOutHelpWidth: () => 80 });
    expect(TOP_LEVEL_HELP).toBe(program.helpInformation());
    expect((await loadedFiles(["--help"])).stdout).toBe(TOP_LEVEL_HELP);
  });
});
