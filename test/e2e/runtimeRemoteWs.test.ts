// The Runtime contract against RemoteRuntime over a real WebSocket: a
// `codex-bridge serve --listen` process (the built CLI, with a token) on the
// contract's store and CODEX_HOME, and the client connecting with the token.
import { connect } from "../../src/runtime/clientNode.js";
import { runtimeContract } from "../contract/runtime.js";
import { startGatewayProcess } from "../harness/gatewayProcess.js";

runtimeContract(
  "RemoteRuntime over WebSocket (codex-bridge serve --listen)",
  async (env) => {
    const gateway = await startGatewayProcess({
      codexHome: env.codexHome,
      bridgeHome: env.bridgeHome,
      dir: env.workdir,
      track: false,
    });
    const runtime = await connect(gateway.url, { tokenFile: gateway.tokenFile });
    return {
      runtime,
      async close() {
        await runtime.close();
        await gateway.stop();
      },
    };
  },
  { board: true },
);
