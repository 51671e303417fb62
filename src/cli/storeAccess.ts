// Opening the bridge's store from the CLI. The home directory is created one
// level at a time: Node's recursive mkdirSync never returns on some paths
// (e.g. under /proc, where mkdir answers ENOENT for ever), which made
// `CODEX_BRIDGE_HOME=/proc/nope codex-bridge sessions list` spin at 100% CPU.
import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { BridgeError } from "../errors.js";
import { bridgeHome, defaultStorePath } from "../store/db.js";
import { BridgeStore } from "../store/store.js";

/** Creates `dir` (and missing parents, mode 0700) or throws STORE_FAILED naming the directory. */
export function ensureDirectory(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      if (statSync(d).isDirectory()) break;
      throw new BridgeError("STORE_FAILED", `cannot use ${d} for the store: it is not a directory`);
    } catch (err) {
      if (err instanceof BridgeError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") {
        throw new BridgeError("STORE_FAILED", `cannot use ${d} for the store (${code ?? String(err)})`, {
          cause: err,
        });
      }
      missing.push(d);
      if (dirname(d) === d) break;
    }
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d, { mode: 0o700 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EEXIST") continue;
      throw new BridgeError(
        "STORE_FAILED",
        `cannot create ${d} (${code ?? String(err)}): set CODEX_BRIDGE_HOME to a directory you can write`,
        { cause: err },
      );
    }
  }
}

/** Opens `$CODEX_BRIDGE_HOME/bridge.db`, creating its directory first. */
export function openStore(): BridgeStore {
  ensureDirectory(bridgeHome());
  return BridgeStore.open(defaultStorePath());
}
