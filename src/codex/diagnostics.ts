/**
 * What `codex-bridge doctor` checks: the binary, CODEX_HOME and HOME, whether
 * config.toml parses, and the account as codex itself reports it. Returns
 * data; rendering is the CLI's job.
 */
import { existsSync, readFileSync } from "node:fs";
import { copyFile, cp, mkdtemp, rm } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { type CodexBinary, MIN_CODEX_VERSION, resolveCodexBinary } from "./binary.js";
import { parseToml } from "../util/toml.js";
import { CodexClient } from "./client.js";

export type AccountStatus = "chatgpt" | "api-key" | "other" | "login-required" | "not-required" | "unknown";

export interface DoctorReport {
  /** True when everything needed to run a turn is in place. */
  ok: boolean;
  binary: {
    ok: boolean;
    path: string | null;
    source: CodexBinary["source"] | null;
    version: string | null;
    minimum: string;
    error: string | null;
  };
  codexHome: { path: string; source: "option" | "env" | "default"; exists: boolean };
  home: string;
  config: { path: string; exists: boolean; parses: boolean; error: string | null };
  account: {
    ok: boolean;
    status: AccountStatus;
    type: string | null;
    email: string | null;
    planType: string | null;
    requiresOpenaiAuth: boolean | null;
    error: string | null;
  };
  /** Each configured MCP server as codex starts it (null when codex could not be asked). */
  mcpServers: McpServerCheck[] | null;
  /** One line per problem, each saying what to do. Empty when ok. */
  problems: string[];
  /** What does not stop a turn but is not right either (an MCP server that failed to start). */
  warnings: string[];
}

export interface McpServerCheck {
  name: string;
  /** `connected`: started and listed its tools; `failed`: see `error`; `disabled`: `enabled = false` in config.toml (not started). */
  status: "connected" | "failed" | "disabled";
  tools: number;
  error: string | null;
}

export interface DoctorOptions {
  codexBin?: string;
  /** CODEX_HOME to check. Default `$CODEX_HOME`, else `~/.codex`. */
  codexHome?: string;
  /** Time allowed for starting codex and reading the account. Default 20000 ms. */
  timeoutMs?: number;
}

/** Runs every check; never throws for a failed check (it is reported instead). */
export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const problems: string[] = [];
  const codexHome = options.codexHome
    ? { path: options.codexHome, source: "option" as const }
    : process.env.CODEX_HOME
      ? { path: process.env.CODEX_HOME, source: "env" as const }
      : { path: join(homedir(), ".codex"), source: "default" as const };

  const binary: DoctorReport["binary"] = {
    ok: false,
    path: null,
    source: null,
    version: null,
    minimum: MIN_CODEX_VERSION,
    error: null,
  };
  try {
    const found = await resolveCodexBinary(
      options.codexBin === undefined ? {} : { codexBin: options.codexBin },
    );
    Object.assign(binary, { ok: true, path: found.path, source: found.source, version: found.version });
  } catch (err) {
    binary.error = message(err);
    const details = (err as { details?: { path?: string; version?: string; source?: CodexBinary["source"] } })
      .details;
    if (details?.path) binary.path = details.path;
    if (details?.version) binary.version = details.version;
    if (details?.source) binary.source = details.source;
    problems.push(binary.error);
  }

  const configPath = join(codexHome.path, "config.toml");
  const config: DoctorReport["config"] = {
    path: configPath,
    exists: existsSync(configPath),
    parses: true,
    error: null,
  };
  if (config.exists) {
    try {
      parseToml(readFileSync(configPath, "utf8"));
    } catch (err) {
      config.parses = false;
      config.error = message(err).split("\n")[0] ?? "unknown parse error";
      problems.push(`${configPath} does not parse: ${config.error}`);
    }
  }

  const account: DoctorReport["account"] = {
    ok: false,
    status: "unknown",
    type: null,
    email: null,
    planType: null,
    requiresOpenaiAuth: null,
    error: null,
  };
  let mcpServers: McpServerCheck[] | null = null;
  if (binary.ok && binary.path) {
    mcpServers = await readFromCodex(binary.path, options, account);
    // codex lists a server configured with enabled = false as if it had started with no tools.
    const disabled = disabledServers(config.exists && config.parses ? configPath : null);
    for (const server of mcpServers ?? []) {
      if (disabled.has(server.name)) Object.assign(server, { status: "disabled", tools: 0, error: null });
    }
    if (account.error) problems.push(`could not read the account from codex: ${account.error}`);
    else if (account.status === "login-required") {
      problems.push("codex needs a login: run `npx codex login` (or set an API key) and try again");
    }
  }

  return {
    ok: problems.length === 0,
    binary,
    codexHome: { ...codexHome, exists: existsSync(codexHome.path) },
    home: homedir(),
    config,
    account,
    mcpServers,
    problems,
    warnings: (mcpServers ?? [])
      .filter((s) => s.status === "failed")
      .map(
        (s) =>
          `MCP server ${s.name} failed to start (${s.error ?? "no reason given"}); turns run without its tools`,
      ),
  };
}

function disabledServers(configPath: string | null): Set<string> {
  if (configPath === null) return new Set();
  try {
    const servers = (parseToml(readFileSync(configPath, "utf8")).mcp_servers ?? {}) as Record<
      string,
      { enabled?: unknown }
    >;
    return new Set(
      Object.entries(servers)
        .filter(([, t]) => t.enabled === false)
        .map(([n]) => n),
    );
  } catch {
    return new Set();
  }
}

/** Fills `account` and returns the MCP server checks, from one short-lived app-server. */
async function readFromCodex(
  codexBin: string,
  options: DoctorOptions,
  account: DoctorReport["account"],
): Promise<McpServerCheck[] | null> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  return withShadowHome(options.codexHome ?? process.env.CODEX_HOME ?? join(homedir(), ".codex"), (shadow) =>
    askCodex(codexBin, shadow, timeoutMs, account),
  );
}

async function askCodex(
  codexBin: string,
  codexHome: string,
  timeoutMs: number,
  account: DoctorReport["account"],
): Promise<McpServerCheck[] | null> {
  let client: CodexClient | undefined;
  try {
    client = await CodexClient.start({
      codexBin,
      codexHome,
      cwd: codexHome,
      connection: { requestTimeoutMs: timeoutMs },
      shutdownGraceMs: 1000,
    });
    await readAccount(client, account);
    try {
      const listed = await client.mcpServerStatusList({ detail: "toolsAndAuthOnly" });
      return listed.data.map((s) => ({
        name: s.name,
        status: s.toolsError || s.runtimeStatus === "failed" ? "failed" : "connected",
        tools: Object.keys(s.tools).length,
        error: s.toolsError,
      }));
    } catch {
      return null;
    }
  } catch (err) {
    account.error = message(err);
    return null;
  } finally {
    await client?.close();
  }
}

async function readAccount(client: CodexClient, account: DoctorReport["account"]): Promise<void> {
  try {
    const result = await client.accountRead({});
    account.requiresOpenaiAuth = result.requiresOpenaiAuth;
    const acct = result.account;
    if (acct === null) {
      account.status = result.requiresOpenaiAuth ? "login-required" : "not-required";
      account.ok = !result.requiresOpenaiAuth;
      return;
    }
    account.type = acct.type;
    account.ok = true;
    if (acct.type === "chatgpt") {
      account.status = "chatgpt";
      account.email = acct.email;
      account.planType = String(acct.planType);
    } else {
      account.status = acct.type === "apiKey" ? "api-key" : "other";
    }
  } catch (err) {
    account.error = message(err);
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs `fn` with a throwaway CODEX_HOME that holds copies of what codex reads from `home`
 * (config.toml, auth.json, installed plugins): codex writes state files (sqlite databases,
 * skills, an installation id) into its home as soon as it starts, and a check — `doctor`, a
 * dry run, plugin discovery — must create or change nothing there. Removed afterwards.
 */
export async function withShadowHome<T>(
  home: string | undefined,
  fn: (shadow: string) => Promise<T>,
): Promise<T> {
  const shadow = await mkdtemp(join(tmpdir(), "codex-bridge-shadow-home-"));
  try {
    if (home !== undefined && existsSync(home)) {
      for (const file of ["config.toml", "auth.json"]) {
        if (existsSync(join(home, file))) await copyFile(join(home, file), join(shadow, file));
      }
      if (existsSync(join(home, "plugins")))
        await cp(join(home, "plugins"), join(shadow, "plugins"), { recursive: true });
    }
    return await fn(shadow);
  } finally {
    await rm(shadow, { recursive: true, force: true });
  }
}
