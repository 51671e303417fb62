/**
 * Finding the codex binary and checking its version. Order: an explicit
 * option, `CODEX_BRIDGE_CODEX_BIN`, the bundled `@openai/codex` dependency,
 * then `codex` on PATH. An explicit choice that does not work is an error,
 * never a silent fall-through to another binary.
 */
import { accessSync, constants, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";
import { execa } from "execa";
import { BridgeError } from "../errors.js";

/** Oldest codex whose app-server protocol the bridge supports. */
export const MIN_CODEX_VERSION = "0.125.0";
/** The codex version the bridge is built and tested against (the pinned dependency). */
export const PINNED_CODEX_VERSION = "0.169.0";
/** Environment variable naming a codex binary to use. */
export const CODEX_BIN_ENV = "CODEX_BRIDGE_CODEX_BIN";

export type CodexBinarySource = "option" | "env" | "bundled" | "path";

export interface CodexBinary {
  /** Absolute path of the executable. */
  path: string;
  /** How it was found. */
  source: CodexBinarySource;
  /** Version reported by `codex --version`, e.g. "0.169.0". */
  version: string;
}

export interface ResolveCodexOptions {
  /** Explicit path of the codex binary; beats every other source. */
  codexBin?: string;
  /** Environment to read `CODEX_BRIDGE_CODEX_BIN` and PATH from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Check the version against {@link MIN_CODEX_VERSION}. Default true. */
  checkVersion?: boolean;
}

const INSTALL_HINT = `install it with \`npm install @openai/codex@${PINNED_CODEX_VERSION}\`, or point ${CODEX_BIN_ENV} at a codex binary`;

const cache = new Map<string, Promise<CodexBinary>>();
/** `codex --version` per binary path: finding a binary one way and starting it by path runs it once. */
const versions = new Map<string, Promise<string>>();

/**
 * Finds the codex binary and reads its version. The result is cached per
 * process for the same inputs; a failed lookup is not cached.
 */
export function resolveCodexBinary(options: ResolveCodexOptions = {}): Promise<CodexBinary> {
  const env = options.env ?? process.env;
  const key = JSON.stringify([options.codexBin, env[CODEX_BIN_ENV], env.PATH, options.checkVersion ?? true]);
  let found = cache.get(key);
  if (!found) {
    found = Promise.resolve()
      .then(() => locate(options.codexBin, env))
      .then(async ({ path, source }) => {
        const version = await cachedVersion(path, source);
        if ((options.checkVersion ?? true) && compareVersions(version, MIN_CODEX_VERSION) < 0) {
          throw new BridgeError(
            "CODEX_TOO_OLD",
            `codex ${version} at ${path} is older than the minimum ${MIN_CODEX_VERSION}: ${INSTALL_HINT}`,
            { details: { path, source, version, minimum: MIN_CODEX_VERSION } },
          );
        }
        return { path, source, version };
      });
    cache.set(key, found);
    found.catch(() => cache.delete(key));
  }
  return found;
}

/** Forgets cached lookups (tests, or after installing a binary). */
export function clearCodexBinaryCache(): void {
  cache.clear();
  versions.clear();
}

function cachedVersion(path: string, source: CodexBinarySource): Promise<string> {
  let version = versions.get(path);
  if (!version) {
    version = readCodexVersion(path, source);
    versions.set(path, version);
    version.catch(() => versions.delete(path));
  }
  return version;
}

function locate(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv,
): { path: string; source: CodexBinarySource } {
  if (explicit !== undefined) {
    if (explicit === "" || !isExecutable(explicit)) {
      throw new BridgeError(
        "CODEX_NOT_FOUND",
        `codexBin ${JSON.stringify(explicit)} is not an executable file`,
        {
          details: { source: "option", path: explicit },
        },
      );
    }
    return { path: explicit, source: "option" };
  }
  const fromEnv = env[CODEX_BIN_ENV];
  if (fromEnv !== undefined && fromEnv !== "") {
    if (!isExecutable(fromEnv)) {
      throw new BridgeError(
        "CODEX_NOT_FOUND",
        `${CODEX_BIN_ENV}=${JSON.stringify(fromEnv)} is not an executable file`,
        { details: { source: "env", path: fromEnv } },
      );
    }
    return { path: fromEnv, source: "env" };
  }
  const bundled = bundledCodexPath();
  if (bundled) return { path: bundled, source: "bundled" };
  const onPath = findOnPath("codex", env.PATH ?? "");
  if (onPath) return { path: onPath, source: "path" };
  throw new BridgeError("CODEX_NOT_FOUND", `no codex binary found: ${INSTALL_HINT}`, {
    details: { searched: ["option", "env", "bundled", "path"] },
  });
}

const TARGET_TRIPLES: Record<string, string> = {
  "linux-x64": "x86_64-unknown-linux-musl",
  "linux-arm64": "aarch64-unknown-linux-musl",
  "darwin-x64": "x86_64-apple-darwin",
  "darwin-arm64": "aarch64-apple-darwin",
  "win32-x64": "x86_64-pc-windows-msvc",
  "win32-arm64": "aarch64-pc-windows-msvc",
};

/**
 * The native executable shipped by the `@openai/codex` platform package.
 * We run it directly rather than through the package's Node launcher so that
 * signals reach codex itself and no extra Node process sits in between.
 */
export function bundledCodexPath(): string | undefined {
  const platformKey = `${process.platform}-${process.arch}`;
  const triple = TARGET_TRIPLES[platformKey];
  if (!triple) return undefined;
  try {
    const require = createRequire(import.meta.url);
    const codexPkg = require.resolve("@openai/codex/package.json");
    const fromCodex = createRequire(codexPkg);
    const platformPkg = fromCodex.resolve(`@openai/codex-${platformKey}/package.json`);
    const exe = join(
      dirname(platformPkg),
      "vendor",
      triple,
      "bin",
      process.platform === "win32" ? "codex.exe" : "codex",
    );
    return existsSync(exe) ? exe : undefined;
  } catch {
    return undefined;
  }
}

function findOnPath(name: string, pathValue: string): string | undefined {
  for (const dir of pathValue.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function readCodexVersion(path: string, source: CodexBinarySource): Promise<string> {
  const result = await execa(path, ["--version"], { reject: false, timeout: 15_000, stdin: "ignore" });
  const version = parseCodexVersion(`${String(result.stdout)}\n${String(result.stderr)}`);
  if (result.failed || !version) {
    throw new BridgeError(
      "CODEX_NOT_FOUND",
      `\`${path} --version\` (found via ${source}) ${result.failed ? `failed: ${result.shortMessage}` : `printed no version: ${JSON.stringify(String(result.stdout).slice(0, 200))}`}`,
      { details: { path, source } },
    );
  }
  return version;
}

/** Extracts "X.Y.Z" from `codex --version` output such as "codex-cli 0.169.0". */
export function parseCodexVersion(output: string): string | undefined {
  return /(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?/.exec(output)?.[0];
}

/** Compares two "X.Y.Z[-pre]" versions numerically; a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core = "", pre] = v.split("-", 2);
    return { nums: core.split(".").map((n) => Number.parseInt(n, 10) || 0), pre };
  };
  const pa = parse(a);
  const pb = parse(b);
  for (let i = 0; i < 3; i++) {
    const d = (pa.nums[i] ?? 0) - (pb.nums[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (pa.pre === pb.pre) return 0;
  if (pa.pre === undefined) return 1;
  if (pb.pre === undefined) return -1;
  return pa.pre < pb.pre ? -1 : 1;
}
