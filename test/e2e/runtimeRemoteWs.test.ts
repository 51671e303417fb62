// The Runtime contract against RemoteRuntime over a real WebSocket: a
// `codex-bridge serve --listen` process (the built CLI, with a token) on the
// contract's store and CODEX_HOME, and the client connecting with the token.
import { runtimeContract } from "../contract/runtime.js";
import { remoteOverGateway } from "../harness/gatewayProcess.js";

runtimeContract(
  "RemoteRuntime over WebSocket (codex-bridge serve --listen)",
  (env) => remoteOverGateway({ codexHome: env.codexHome, bridgeHome: env.bridgeHome, dir: env.workdir }),
  { board: true },
);
