#!/usr/bin/env node
// Short paths first, each loading only what it needs: `mcp-serve` (codex
// starts one per thread, so its start-up time matters) loads only the tool
// server; a lone `--version` or `--help` loads neither commander nor any
// command. Everything else goes to the CLI, which loads the one command run.
const args = process.argv.slice(2);
if (args[0] === "mcp-serve") {
  const { runMcpServe } = await import("../dist/cli/commands/mcpServe.js");
  // Exit explicitly once served: a host tool's timer must not keep the server alive after stdin closed.
  process.exit(await runMcpServe(args.slice(1)));
} else {
  const { fastAnswer } = await import("../dist/cli/fastPath.js");
  const { PACKAGE_VERSION } = await import("../dist/version.js");
  const answer = fastAnswer(args, PACKAGE_VERSION);
  if (answer !== null) {
    process.stdout.on("error", () => undefined); // `codex-bridge --help | head -1`: a closed pipe is not an error
    process.stdout.write(answer);
  } else {
    const { main } = await import("../dist/cli/main.js");
    process.exitCode = await main(process.argv);
  }
}
