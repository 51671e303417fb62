// Opening the bridge's store, and making the bridge's home, from the CLI.
// Directories are made one level at a time (see util/makeDirs.ts): a home
// under /proc once made `sessions list` spin at 100% CPU.
import { statSync } from "node:fs";
import { BridgeError } from "../errors.js";
import { defaultStorePath } from "../store/db.js";
import { BridgeStore } from "../store/store.js";
import { makeDirs } from "../util/makeDirs.js";

/** Creates `dir` (and missing parents, mode 0700) or throws STORE_FAILED naming the directory. */
export function ensureDirectory(dir: string): void {
  try {
    makeDirs(dir);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new BridgeError(
      "STORE_FAILED",
      `cannot create ${e.path ?? dir} (${e.code ?? String(err)}): set CODEX_BRIDGE_HOME to a directory you can write`,
      { cause: err },
    );
  }
  if (!statSync(dir).isDirectory()) {
    throw new BridgeError("STORE_FAILED", `cannot use ${dir}: it is not a directory`);
  }
}

/** Opens `$CODEX_BRIDGE_HOME/bridge.db` (the store makes its directory, one level at a time). */
export function openStore(): BridgeStore {
  return BridgeStore.open(defaultStorePath());
}
