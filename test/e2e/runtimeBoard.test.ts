// The Runtime's board operations against every runtime that has a board:
// LocalRuntime over a SQLite board, and RemoteRuntime over WebSocket and stdio
// (`codex-bridge serve`, whose board is $CODEX_BRIDGE_HOME/board.db).
import { join } from "node:path";
import { CodexBridge } from "../../src/codex/bridge.js";
import { connectStdio } from "../../src/runtime/clientNode.js";
import { LocalRuntime } from "../../src/runtime/local.js";
import { openSqliteBoard } from "../../src/store/board/sqlite.js";
import { createMockCodexHome } from "../../src/testing/index.js";
import { runtimeBoardContract } from "../contract/runtimeBoard.js";
import { cliEnv, remoteOverGateway } from "../harness/gatewayProcess.js";

runtimeBoardContract("LocalRuntime over a SQLite board", async (dir) => {
  const home = await createMockCodexHome({ providerUrl: "http://127.0.0.1:9/v1" });
  const bridge = new CodexBridge({ codexHome: home.path, store: join(dir, "bridge.db"), cwd: dir });
  const board = openSqliteBoard(join(dir, "board.db"));
  const runtime = new LocalRuntime({ bridge, board, boardPollMs: 20 });
  return {
    runtime,
    async close() {
      await runtime.close();
      await board.close();
      await bridge.close();
      await home.remove();
    },
  };
});

runtimeBoardContract("RemoteRuntime over WebSocket (codex-bridge serve --listen)", async (dir) => {
  const home = await createMockCodexHome({ providerUrl: "http://127.0.0.1:9/v1" });
  const remote = await remoteOverGateway({ codexHome: home.path, bridgeHome: join(dir, "home"), dir });
  return {
    runtime: remote.runtime,
    async close() {
      await remote.close();
      await home.remove();
    },
  };
});

runtimeBoardContract("RemoteRuntime over stdio (codex-bridge serve --stdio)", async (dir) => {
  const home = await createMockCodexHome({ providerUrl: "http://127.0.0.1:9/v1" });
  const runtime = await connectStdio({
    serveArgs: ["--codex-home", home.path],
    env: cliEnv({ CODEX_BRIDGE_HOME: join(dir, "home") }),
  });
  return {
    runtime,
    async close() {
      await runtime.close();
      await home.remove();
    },
  };
});
