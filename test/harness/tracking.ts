// Everything an e2e test starts is tracked here, so the suite can check that
// no codex process and no temp dir outlives the test that made it.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const pids = new Set<number>();
const dirs = new Set<string>();

export function trackPid(pid: number): void {
  if (pid > 0) pids.add(pid);
}

export function trackDir(dir: string): void {
  dirs.add(dir);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Returns what outlived its test, then kills and removes it so later tests start clean. */
export function collectLeftovers(): { pids: number[]; dirs: string[] } {
  const leftPids = [...pids].filter(isAlive);
  const leftDirs = [...dirs].filter((d) => existsSync(d));
  for (const pid of leftPids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  for (const dir of leftDirs) rmSync(dir, { recursive: true, force: true });
  pids.clear();
  dirs.clear();
  return { pids: leftPids, dirs: leftDirs };
}

/** A tracked temp dir removed on dispose: `await using dir = tempDir("x-")`. */
export function tempDir(prefix: string): { path: string; [Symbol.asyncDispose](): Promise<void> } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  trackDir(path);
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}
