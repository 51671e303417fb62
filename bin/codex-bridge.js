#!/usr/bin/env node
// `mcp-serve` takes a short path that loads only the tool server: codex
// starts one per thread, so its start-up time matters.
const args = process.argv.slice(2);
if (args[0] === "mcp-serve") {
  const { runMcpServe } = await import("../dist/cli/commands/mcpServe.js");
  // Exit explicitly once served: a host tool's timer must not keep the server alive after stdin closed.
  process.exit(await runMcpServe(args.slice(1)));
} else {
  const { main } = await import("../dist/cli/main.js");
  process.exitCode = await main(process.argv);
}
