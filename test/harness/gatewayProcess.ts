// A real `codex-bridge serve` process for e2e tests: the built CLI, listening
// on 127.0.0.1 (any free port) with a token, its store in CODEX_BRIDGE_HOME and
// codex pointed at the scripted model through --codex-home. Tracked, so a
// gateway left running fails the test.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { connect, type RemoteRuntime } from "../../src/runtime/clientNode.js";
import { trackPid } from "./tracking.js";

const bin = fileURLToPath(new URL("../../bin/codex-bridge.js", import.meta.url));
const built = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

export const GATEWAY_TOKEN = "e2e-gateway-token-0123456789";

export interface GatewayProcess {
  url: string;
  pid: number;
  /** A file holding the token (for --token-file). */
  tokenFile: string;
  child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM (or the given signal) and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface GatewayProcessOptions {
  codexHome: string;
  bridgeHome: string;
  /** Where the token file is written (a directory the test removes). */
  dir: string;
  /** The address to listen on; default 127.0.0.1:0. */
  listen?: string;
  extraArgs?: string[];
  /**
   * Track the process for the per-test leak check (default true). A gateway
   * that lives across tests (started in beforeAll) is not tracked: its
   * owner stops it in afterAll.
   */
  track?: boolean;
}

/** The env of a CLI child: PATH, the test run's temp HOME, and what is given (nothing else of this process). */
export function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...extra };
}

export async function startGatewayProcess(options: GatewayProcessOptions): Promise<GatewayProcess> {
  if (!existsSync(built)) throw new Error("dist/ is missing: run `npm run build` first (`npm test` does)");
  const tokenFile = join(options.dir, "gateway.token");
  await writeFile(tokenFile, `${GATEWAY_TOKEN}\n`, { mode: 0o600 });
  const child = spawn(
    process.execPath,
    [
      bin,
      "serve",
      "--listen",
      options.listen ?? "127.0.0.1:0",
      "--token-file",
      tokenFile,
      "--codex-home",
      options.codexHome,
      ...(options.extraArgs ?? []),
    ],
    { env: cliEnv({ CODEX_BRIDGE_HOME: options.bridgeHome }), stdio: ["ignore", "pipe", "pipe"] },
  );
  if (options.track ?? true) trackPid(child.pid ?? 0);
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(
      () => reject(new Error(`the gateway printed no URL in 60 s; stderr: ${stderr}`)),
      60_000,
    );
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const line = /^(ws:\/\/\S+)\n/m.exec(out)?.[1];
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited before listening (code ${child.exitCode}); stderr: ${stderr}`));
    });
  });
  return {
    url,
    pid: child.pid ?? 0,
    tokenFile,
    child,
    stderr: () => stderr,
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * A gateway process (untracked: `close` stops it) and a RemoteRuntime
 * connected to it over WebSocket with its token.
 */
export async function remoteOverGateway(
  options: Omit<GatewayProcessOptions, "track">,
): Promise<{ runtime: RemoteRuntime; close(): Promise<void> }> {
  const gateway = await startGatewayProcess({ ...options, track: false });
  const runtime = await connect(gateway.url, { tokenFile: gateway.tokenFile });
  return {
    runtime,
    async close() {
      await runtime.close();
      await gateway.stop();
    },
  };
}
