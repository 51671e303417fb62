// The e2e launcher: a mock model, a temp CODEX_HOME pointing at it, a temp
// working directory, and a real codex app-server client, disposed together.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CodexClient, type CodexClientOptions } from "../../src/codex/client.js";
import {
  createMockCodexHome,
  type MockCodexHome,
  type MockCodexHomeOptions,
  type MockResponsesServer,
  type MockScript,
  startMockResponses,
} from "../../src/testing/index.js";
import { trackDir, trackPid } from "./tracking.js";

export interface LaunchOptions {
  /** The scripted model. */
  script: MockScript;
  /** Extra client options (codexHome and cwd are set by the launcher). */
  client?: Omit<CodexClientOptions, "codexHome" | "cwd">;
  /** Extra CODEX_HOME options. */
  home?: Omit<MockCodexHomeOptions, "providerUrl">;
  /** Run the initialize handshake. Default true. */
  initialize?: boolean;
}

export interface Launched {
  client: CodexClient;
  mock: MockResponsesServer;
  home: MockCodexHome;
  /** A temp working directory for the thread. */
  workdir: string;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function launchCodex(options: LaunchOptions): Promise<Launched> {
  const mock = await startMockResponses(options.script);
  const home = await createMockCodexHome({ providerUrl: mock.url, ...options.home });
  trackDir(home.path);
  const workdir = await mkdtemp(join(tmpdir(), "codex-bridge-work-"));
  trackDir(workdir);
  const dispose = async () => {
    await client?.close();
    await mock.close();
    await home.remove();
    await rm(workdir, { recursive: true, force: true });
  };
  let client: CodexClient | undefined;
  try {
    const clientOptions = { ...options.client, codexHome: home.path, cwd: workdir };
    client = await (options.initialize === false
      ? CodexClient.spawn(clientOptions)
      : CodexClient.start(clientOptions));
    trackPid(client.process.pid);
  } catch (err) {
    await dispose();
    throw err;
  }
  return { client, mock, home, workdir, [Symbol.asyncDispose]: dispose };
}

/** The text of a user input item for `turn/start`. */
export function textInput(text: string) {
  return [{ type: "text" as const, text, text_elements: [] }];
}
