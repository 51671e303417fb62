// Runs the built CLI as a user would: a real subprocess of bin/codex-bridge.js.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { execa } from "execa";

const bin = fileURLToPath(new URL("../../bin/codex-bridge.js", import.meta.url));
const built = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], options: { env?: Record<string, string>; input?: string } = {}) {
  if (!existsSync(built)) throw new Error("dist/ is missing: run `npm run build` first (`npm test` does)");
  const result = await execa(process.execPath, [bin, ...args], {
    reject: false,
    // Only PATH and HOME (the test run's temp home, see hermeticHome.ts) plus what the test gives:
    // the parent's CODEX_HOME, CODEX_BRIDGE_HOME and the rest never leak into the CLI.
    extendEnv: false,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...options.env },
    timeout: 60_000,
    ...(options.input === undefined ? { stdin: "ignore" as const } : { input: options.input }),
  });
  const out: CliResult = {
    exitCode: result.exitCode ?? -1,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
  };
  return out;
}
