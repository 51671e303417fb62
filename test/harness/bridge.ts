// The e2e launcher for sessions: a mock model, a temp CODEX_HOME, a temp
// working directory and store, and a CodexBridge on the real codex binary.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CodexBridge, type CodexBridgeOptions } from "../../src/codex/bridge.js";
import {
  createMockCodexHome,
  type MockCodexHome,
  type MockCodexHomeOptions,
  type MockResponsesServer,
  type MockScript,
  startMockResponses,
} from "../../src/testing/index.js";
import { trackDir, trackPid } from "./tracking.js";

export interface BridgeFixture {
  bridge: CodexBridge;
  mock: MockResponsesServer;
  home: MockCodexHome;
  workdir: string;
  storePath: string;
  /** Another bridge on the same CODEX_HOME and store: a host restart. */
  restart(options?: Partial<CodexBridgeOptions>): CodexBridge;
  /** The pid of the current app-server (starting it if needed). */
  pid(): Promise<number>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function launchBridge(
  script: MockScript,
  options: Partial<CodexBridgeOptions> = {},
  home: Omit<MockCodexHomeOptions, "providerUrl"> = {},
): Promise<BridgeFixture> {
  const mock = await startMockResponses(script);
  const codexHome = await createMockCodexHome({ providerUrl: mock.url, ...home });
  trackDir(codexHome.path);
  const workdir = await mkdtemp(join(tmpdir(), "codex-bridge-work-"));
  trackDir(workdir);
  const storePath = join(workdir, ".bridge", "bridge.db");
  const bridges: CodexBridge[] = [];
  const make = (extra: Partial<CodexBridgeOptions> = {}) => {
    const b = new CodexBridge({
      codexHome: codexHome.path,
      cwd: workdir,
      store: storePath,
      ...options,
      ...extra,
    });
    bridges.push(b);
    return b;
  };
  const bridge = make();
  return {
    bridge,
    mock,
    home: codexHome,
    workdir,
    storePath,
    restart: make,
    async pid() {
      const { client } = await bridge.client();
      trackPid(client.process.pid);
      return client.process.pid;
    },
    async [Symbol.asyncDispose]() {
      for (const b of bridges) await b.close();
      await mock.close();
      await codexHome.remove();
      await rm(workdir, { recursive: true, force: true });
    },
  };
}
