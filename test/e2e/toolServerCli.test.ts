// `codex-bridge mcp-serve` as other programs start it: a plain environment,
// a pipe that closes early, broken host modules.
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { tempDir } from "../harness/tracking.js";

const bin = fileURLToPath(new URL("../../bin/codex-bridge.js", import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** Runs mcp-serve with only PATH and HOME (a temp dir) in its environment, like a client with a clean env would. */
function serve(args: string[], input: string, home: string, extraEnv: Record<string, string> = {}) {
  return execa(process.execPath, [bin, "mcp-serve", ...args], {
    input,
    extendEnv: false,
    env: { PATH: process.env.PATH ?? "", HOME: home, ...extraEnv },
    reject: false,
    timeout: 60_000,
  });
}

const line = (message: Record<string, unknown>) => `${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`;

describe("codex-bridge mcp-serve on a pipe", () => {
  it("answers a call still running when stdin closes (printf '<tools/call>' | mcp-serve)", async () => {
    await using home = tempDir("codex-bridge-serve-");
    const result = await serve(
      ["--tools", fixture("slowTools.mjs")],
      line({
        id: 7,
        method: "tools/call",
        params: { name: "slow_echo", arguments: { text: "still here", ms: 300 } },
      }),
      home.path,
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      jsonrpc: "2.0",
      id: 7,
      result: { content: [{ type: "text", text: "still here" }] },
    });
  });
});
