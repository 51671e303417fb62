/** `migrate list`: the servers and plugins the bridge manages in codex's config.toml, as it is now. */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { BridgeError } from "../errors.js";
import { codexHome as defaultCodexHome } from "../paths.js";
import { parseToml } from "../util/toml.js";
import { separate } from "./ownership.js";

export interface ManagedServer {
  /** The name in codex. */
  name: string;
  /** Where it came from (`kind:path`, or `codex-bridge` for the bridge's own tool server). */
  source: string;
  /** The name in its source, when codex needed another one. */
  from: string | null;
  enabled: boolean;
  /** Why migrate wrote it disabled (null: enabled, or disabled in its source without a reason recorded). */
  disabled: string | null;
}

export interface ManagedList {
  configPath: string;
  servers: ManagedServer[];
  plugins: Array<{ id: string; enabled: boolean }>;
  /** Another program rearranged config.toml since migrate wrote it (the next migrate rebuilds the block). */
  rewritten: boolean;
}

/** Reads config.toml and lists what the bridge wrote there; writes nothing. */
export async function listManaged(options: { codexHome?: string } = {}): Promise<ManagedList> {
  const home = options.codexHome ?? defaultCodexHome();
  const configPath = join(home, "config.toml");
  if (!existsSync(home)) {
    throw new BridgeError("NOT_FOUND", `CODEX_HOME ${home} does not exist`, { details: { path: home } });
  }
  const text = existsSync(configPath) ? await readFile(configPath, "utf8") : "";
  try {
    parseToml(text);
  } catch (err) {
    throw new BridgeError("CONFIG_INVALID", `${configPath} does not parse (${(err as Error).message})`, {
      cause: err,
      details: { path: configPath },
    });
  }
  const { old, rewritten } = separate(text);
  const servers = [...old.servers]
    .map(([name, s]) => ({
      name,
      source: s.source,
      from: s.from ?? null,
      enabled: s.table.enabled !== false,
      disabled: s.table.enabled === false ? (s.disabled ?? "disabled in its source") : null,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const plugins = [...old.plugins]
    .map(([id, enabled]) => ({ id, enabled }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  return { configPath, servers, plugins, rewritten };
}
