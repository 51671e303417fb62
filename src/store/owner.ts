/**
 * Who runs a turn: the process that started it, identified so that a later
 * opener can tell whether it still lives. A pid alone is not enough (pids are
 * reused), so the owner also carries the process's start time (Linux:
 * `/proc/<pid>/stat` field 22; elsewhere `ps -o lstart=`) and the machine's
 * boot id. Nothing needs a heartbeat: a check costs one stat at open.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

export interface TurnOwner {
  /** The machine (or container) it ran on: pids of another host cannot be checked. */
  host: string;
  pid: number;
  /** The process's start time, as the OS reports it; null when it could not be read. */
  start: string | null;
  /** Linux boot id; a different one means the machine restarted since. */
  boot: string | null;
}

export type OwnerState = "alive" | "gone" | "unknown";

let self: TurnOwner | undefined;

/** This process as a turn owner (computed once). */
export function currentOwner(): TurnOwner {
  self ??= { host: hostname(), pid: process.pid, start: processStart(process.pid), boot: bootId() };
  return self;
}

/**
 * Whether the process that recorded `owner` still runs: `gone` when its pid
 * is free, names a different (younger) process, is a zombie, or the machine
 * rebooted; `unknown` for another host's process.
 */
export function ownerState(owner: TurnOwner): OwnerState {
  const me = currentOwner();
  if (owner.host !== me.host) return "unknown";
  if (owner.boot !== null && me.boot !== null && owner.boot !== me.boot) return "gone";
  if (owner.pid === me.pid) return owner.start === me.start ? "alive" : "gone";
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    // EPERM: the pid exists but belongs to another user.
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return "gone";
  }
  if (zombie(owner.pid)) return "gone";
  const start = processStart(owner.pid);
  if (owner.start !== null && start !== null && start !== owner.start) return "gone";
  return "alive";
}

/** Parses a stored owner (null for anything else, e.g. a turn recorded before owners were). */
export function parseOwner(value: unknown): TurnOwner | null {
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  if (typeof v.host !== "string" || typeof v.pid !== "number") return null;
  return {
    host: v.host,
    pid: v.pid,
    start: typeof v.start === "string" ? v.start : null,
    boot: typeof v.boot === "string" ? v.boot : null,
  };
}

function procStat(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

function zombie(pid: number): boolean {
  const state = procStat(pid)?.[0];
  return state === "Z" || state === "X";
}

function processStart(pid: number): string | null {
  if (process.platform === "linux") return procStat(pid)?.[19] ?? null;
  try {
    const out = spawnSync("ps", ["-o", "lstart=", "-p", String(pid)], { encoding: "utf8", timeout: 2000 });
    const text = out.stdout?.trim();
    return out.status === 0 && text ? text : null;
  } catch {
    return null;
  }
}

function bootId(): string | null {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || null;
  } catch {
    return null;
  }
}
