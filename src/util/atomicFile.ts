/**
 * Replacing a file so that a crash at any moment leaves either the old or the
 * new content: write a temp file in the same directory, fsync it, rename it
 * over the target, fsync the directory. The mode of an existing file is kept.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Temp files are named `<file>.codex-bridge-<pid>-<random>.tmp`. */
export function tempPrefix(path: string): string {
  return `${basename(path)}.codex-bridge-`;
}

export async function atomicWrite(
  path: string,
  text: string,
  options: { newFileMode?: number; beforeRename?: (tempPath: string) => void | Promise<void> } = {},
): Promise<void> {
  const dir = dirname(path);
  const mode = existsSync(path) ? (await stat(path)).mode & 0o777 : (options.newFileMode ?? 0o600);
  const temp = join(dir, `${tempPrefix(path)}${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
  try {
    await writeSynced(temp, text, mode);
    await options.beforeRename?.(temp);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes and fsyncs a file with the given mode. */
export async function writeSynced(path: string, text: string, mode: number): Promise<void> {
  const handle = await open(path, "w", mode);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(path, mode);
}
