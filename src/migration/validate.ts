/**
 * Checks a candidate config.toml before it replaces the real one: it must
 * parse, and the codex binary must accept it with `--strict-config` (which
 * rejects unknown keys and wrong types).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { BridgeError } from "../errors.js";
import { parseToml } from "../util/toml.js";

export type Validation = { ok: true } | { ok: false; error: string };

export function parseCheck(text: string): Validation {
  try {
    parseToml(text);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Runs `codex app-server --strict-config --print-startup-config` on `text` in a throwaway CODEX_HOME.
 * Resolves with codex's verdict; a codex that gives none (it hangs past `timeoutMs`, default 30 s,
 * dies of a signal, or cannot start) is an error — REQUEST_TIMEOUT, PROCESS_EXITED, SPAWN_FAILED —
 * never a verdict on the config.
 */
export async function codexCheck(
  text: string,
  codexBin: string,
  options: {
    timeoutMs?: number;
    /** The path to name in codex's message instead of the throwaway copy's (the user's config.toml). */
    reportPath?: string;
  } = {},
): Promise<Validation> {
  const home = await mkdtemp(join(tmpdir(), "codex-bridge-validate-"));
  try {
    await writeFile(join(home, "config.toml"), text, { mode: 0o600 });
    const result = await execa(codexBin, ["app-server", "--strict-config", "--print-startup-config"], {
      env: { ...process.env, CODEX_HOME: home, RUST_LOG: "error" },
      reject: false,
      timeout: options.timeoutMs ?? 30_000,
      stdin: "ignore",
    });
    if (result.timedOut) {
      throw new BridgeError(
        "REQUEST_TIMEOUT",
        `codex --strict-config did not answer within ${options.timeoutMs ?? 30_000} ms; nothing was written`,
        { details: { codexBin } },
      );
    }
    if (result.exitCode === undefined) {
      const startFailed = result.signal === undefined;
      throw new BridgeError(
        startFailed ? "SPAWN_FAILED" : "PROCESS_EXITED",
        startFailed
          ? `cannot run ${codexBin} to check the config: ${result.originalMessage ?? result.shortMessage}`
          : `codex --strict-config was killed (${result.signal}) before it checked the config; nothing was written`,
        { cause: result.cause, details: { codexBin, signal: result.signal ?? null } },
      );
    }
    if (result.exitCode === 0) return { ok: true };
    const error = codexError(String(result.stdout), String(result.stderr));
    const copy = join(home, "config.toml");
    return { ok: false, error: options.reportPath ? error.split(copy).join(options.reportPath) : error };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

function codexError(stdout: string, stderr: string): string {
  for (const line of stdout.split("\n")) {
    try {
      const parsed = JSON.parse(line) as { error?: { message?: string; data?: { detail?: string } } };
      const message = parsed.error?.data?.detail ?? parsed.error?.message;
      if (message) return message;
    } catch {
      // not the JSON line
    }
  }
  const lastStderr = stderr
    .split("\n")
    .filter((l) => l.trim() && !/^\s*\d+: /.test(l) && !/Stack backtrace/i.test(l))
    .at(-1);
  return lastStderr ?? "codex rejected the configuration";
}
