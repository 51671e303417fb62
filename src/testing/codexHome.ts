/**
 * A throwaway CODEX_HOME whose config.toml points codex at a mock model
 * provider, with plugin sync off (it would reach the internet at thread start).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BridgeError } from "../errors.js";
import { tomlString } from "../util/toml.js";

export interface MockCodexHomeOptions {
  /** The mock provider's base URL (`MockResponsesServer.url`). */
  providerUrl: string;
  /** Model name codex sends. Default "mock-model". */
  model?: string;
  /**
   * Default approval policy. Default "never" (turns ask per `turn/start` instead).
   * `untrusted` is refused: codex 0.169 rejects it in config.toml; pass it per turn
   * (`turn/start`, or a session's `approvalPolicy`).
   */
  approvalPolicy?: "on-request" | "never";
  /** Default sandbox mode. Default "read-only". */
  sandboxMode?: "read-only" | "workspace-write" | "danger-full-access";
  /** Extra TOML appended verbatim after the generated config. */
  extraToml?: string;
  /** Parent folder of the temp dir. Default the OS temp dir. */
  parentDir?: string;
}

export interface MockCodexHome {
  /** The directory, to pass as CODEX_HOME. */
  readonly path: string;
  readonly configPath: string;
  /** Removes the directory and everything in it. */
  remove(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The config.toml text for a mock provider. Throws INVALID_OPTION for `approvalPolicy: "untrusted"`. */
export function mockCodexConfig(options: MockCodexHomeOptions): string {
  const policy: string = options.approvalPolicy ?? "never";
  if (policy !== "on-request" && policy !== "never") {
    throw new BridgeError(
      "INVALID_OPTION",
      policy === "untrusted"
        ? 'approvalPolicy "untrusted" cannot go in config.toml (codex 0.169 refuses it: "no longer supported"); ask for it per turn instead (turn/start approvalPolicy, or the session\'s approvalPolicy)'
        : `approvalPolicy ${JSON.stringify(policy)} is not one of on-request, never`,
    );
  }
  const lines = [
    `model = ${tomlString(options.model ?? "mock-model")}`,
    `model_provider = "mock"`,
    `approval_policy = ${tomlString(policy)}`,
    `sandbox_mode = ${tomlString(options.sandboxMode ?? "read-only")}`,
    "",
    "[model_providers.mock]",
    `name = "mock"`,
    `base_url = ${tomlString(options.providerUrl)}`,
    `wire_api = "responses"`,
    "request_max_retries = 0",
    "stream_max_retries = 0",
    "",
    "[features]",
    "plugins = false",
    "",
  ];
  return options.extraToml ? `${lines.join("\n")}\n${options.extraToml}\n` : lines.join("\n");
}

/** Creates a temp CODEX_HOME with a mock-provider config.toml. */
export async function createMockCodexHome(options: MockCodexHomeOptions): Promise<MockCodexHome> {
  const config = mockCodexConfig(options); // validates before anything is created
  const path = await mkdtemp(join(options.parentDir ?? tmpdir(), "codex-bridge-home-"));
  const configPath = join(path, "config.toml");
  await writeFile(configPath, config);
  const remove = () => rm(path, { recursive: true, force: true, maxRetries: 3 });
  return { path, configPath, remove, [Symbol.asyncDispose]: remove };
}
