/**
 * Checks a candidate config.toml before it replaces the real one: it must
 * parse, and the codex binary must accept it with `--strict-config` (which
 * rejects unknown keys and wrong types).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import TOML from "@iarna/toml";
import { execa } from "execa";

export type Validation = { ok: true } | { ok: false; error: string };

export function parseCheck(text: string): Validation {
  try {
    TOML.parse(text);
    return { ok: true };
  } catch (err) {
    return {
      ok: false,
      error: (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "does not parse",
    };
  }
}

/** Runs `codex app-server --strict-config --print-startup-config` on `text` in a throwaway CODEX_HOME. */
export async function codexCheck(text: string, codexBin: string): Promise<Validation> {
  const home = await mkdtemp(join(tmpdir(), "codex-bridge-validate-"));
  try {
    await writeFile(join(home, "config.toml"), text, { mode: 0o600 });
    const result = await execa(codexBin, ["app-server", "--strict-config", "--print-startup-config"], {
      env: { ...process.env, CODEX_HOME: home, RUST_LOG: "error" },
      reject: false,
      timeout: 30_000,
      stdin: "ignore",
    });
    if (result.exitCode === 0) return { ok: true };
    return { ok: false, error: codexError(String(result.stdout), String(result.stderr)) };
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
