// Validating command-line values. A bad value is a usage error: exit 2 with
// a message that names the option and the value, before anything is started
// or stored.
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { InvalidArgumentError } from "commander";
import { parseToml, type TomlValue } from "../util/toml.js";

/** A usage error found after parsing (exit 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The exit status of a usage error, everywhere in the CLI. */
export const USAGE_EXIT = 2;

/** commander parser: a whole number >= 1. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a whole number >= 1, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** commander parser: seconds > 0. */
export function seconds(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected seconds > 0, got ${JSON.stringify(value)}`);
  return n;
}

/** The absolute path of an existing directory given to `option`, or a UsageError saying what is wrong. */
export function existingDirectory(option: string, value: string): string {
  const path = resolve(value);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${option} ${value}: ${code === "ENOENT" ? "no such directory" : `cannot use it (${code ?? String(err)})`}`,
    );
  }
  if (!isDirectory) throw new UsageError(`${option} ${value}: not a directory`);
  return path;
}

/**
 * commander parser for repeatable `-c key=value`, as codex has it: the value
 * is parsed as TOML, and taken as a plain string when it does not parse.
 */
export function configOverride(
  value: string,
  previous: Record<string, TomlValue> = {},
): Record<string, TomlValue> {
  const eq = value.indexOf("=");
  const key = eq > 0 ? value.slice(0, eq).trim() : "";
  if (!key || !/^[A-Za-z0-9_.-]+$/.test(key)) {
    throw new InvalidArgumentError(`expected key=value (e.g. model="o3"), got ${JSON.stringify(value)}`);
  }
  return { ...previous, [key]: parseTomlValue(value.slice(eq + 1).trim()) };
}

function parseTomlValue(raw: string): TomlValue {
  try {
    const parsed = parseToml(`v = ${raw}`).v;
    return isTomlValue(parsed) ? parsed : raw;
  } catch {
    return raw;
  }
}

function isTomlValue(v: unknown): v is TomlValue {
  if (typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isTomlValue);
  if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.values(v).every(isTomlValue);
  }
  return false;
}
