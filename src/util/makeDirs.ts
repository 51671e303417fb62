/**
 * `mkdir -p` one level at a time (mode 0700 by default). Node's
 * `mkdirSync(…, {recursive: true})` never returns on some paths — under
 * /proc, mkdir answers ENOENT for ever — which made
 * `CODEX_BRIDGE_HOME=/proc/nope` spin at 100% CPU; here that error surfaces
 * as the errno error of the level that failed (its `path` names it).
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

export function makeDirs(dir: string, mode = 0o700): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d, { mode });
    } catch (err) {
      // Another process (a tool server opening the same new store) made it first.
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || !statSync(d).isDirectory()) throw err;
    }
  }
}
