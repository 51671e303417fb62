/**
 * The opt-in runtime toggle: whether a host should run its agents on codex
 * (`codex_app_server`) or choose for itself (`auto`). The setting lives in
 * the bridge config (`$CODEX_BRIDGE_HOME/config.toml`, key `runtime`); only
 * that one line is edited, the rest of the file stays as it is.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { BridgeError } from "../errors.js";
import { bridgeConfigPath } from "../paths.js";
import { atomicWrite } from "../util/atomicFile.js";
import { parseToml, tomlString } from "../util/toml.js";
import { firstTableHeaderOffset } from "../util/tomlScan.js";

export const RUNTIME_SETTINGS = ["auto", "codex_app_server"] as const;
export type RuntimeSetting = (typeof RUNTIME_SETTINGS)[number];

/** `on` → codex_app_server, `off` → auto; case-insensitive. */
export function parseRuntimeSetting(value: string): RuntimeSetting {
  const v = value.trim().toLowerCase();
  if (v === "on" || v === "codex_app_server") return "codex_app_server";
  if (v === "off" || v === "auto") return "auto";
  throw new BridgeError(
    "INVALID_OPTION",
    `runtime ${JSON.stringify(value)} is not one of status, on, off, auto, codex_app_server`,
  );
}

/** The runtime setting (default `auto` when the file or the key is absent). */
export function readRuntimeSetting(options: { configPath?: string } = {}): RuntimeSetting {
  const path = options.configPath ?? bridgeConfigPath();
  if (!existsSync(path)) return "auto";
  const text = readFileSync(path, "utf8");
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch (cause) {
    throw new BridgeError("CONFIG_INVALID", `${path} does not parse: ${(cause as Error).message}`, {
      cause,
    });
  }
  if (doc.runtime === undefined) return "auto";
  if (typeof doc.runtime !== "string") {
    throw new BridgeError("CONFIG_INVALID", `${path}: runtime must be a string (auto or codex_app_server)`);
  }
  return parseRuntimeSetting(doc.runtime);
}

const RUNTIME_LINE = /^runtime\s*=.*$/m;

/** Sets `runtime` in the bridge config, creating the file if needed; returns the previous value. */
export async function writeRuntimeSetting(
  value: RuntimeSetting,
  options: { configPath?: string } = {},
): Promise<RuntimeSetting> {
  const path = options.configPath ?? bridgeConfigPath();
  const previous = readRuntimeSetting({ configPath: path });
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  const line = `runtime = ${tomlString(value)}`;
  const root = rootSection(text);
  const next = RUNTIME_LINE.test(root)
    ? root.replace(RUNTIME_LINE, line) + text.slice(root.length)
    : `${line}\n${text}`;
  if (next === text) return previous;
  try {
    parseToml(next);
  } catch (cause) {
    throw new BridgeError("CONFIG_INVALID", `setting runtime would break ${path}; nothing was written`, {
      cause,
    });
  }
  await mkdir(dirname(path), { recursive: true });
  await atomicWrite(path, next, { newFileMode: 0o600 });
  return previous;
}

/** The text before the first table header (where root keys live). */
function rootSection(text: string): string {
  const at = firstTableHeaderOffset(text);
  return at === -1 ? text : text.slice(0, at);
}
