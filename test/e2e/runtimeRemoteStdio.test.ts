// The Runtime contract against RemoteRuntime over stdio: the client spawns
// `codex-bridge serve --stdio` (the built CLI) on the contract's store and
// CODEX_HOME and speaks newline-delimited JSON-RPC over its stdin/stdout.
import { connectStdio } from "../../src/runtime/clientNode.js";
import { runtimeContract } from "../contract/runtime.js";
import { cliEnv } from "../harness/gatewayProcess.js";

runtimeContract(
  "RemoteRuntime over stdio (codex-bridge serve --stdio)",
  async (env) => {
    const runtime = await connectStdio({
      serveArgs: ["--codex-home", env.codexHome],
      env: cliEnv({ CODEX_BRIDGE_HOME: env.bridgeHome }),
    });
    return { runtime, close: () => runtime.close() };
  },
  { board: true },
);
