// Sessions come and go for a long time without the bridge growing: 50
// sessions × 10 turns on the real codex, each session closed after its
// turns. Processes, open file descriptors and memory stay flat.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { reply } from "../../src/testing/index.js";
import { launchBridge } from "../harness/bridge.js";

/** Processes below this one (codex, its MCP servers, their shells). */
function descendants(): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so split after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parent.set(Number(entry), ppid);
    } catch {
      // exited meanwhile
    }
  }
  const below = (pid: number): boolean => {
    for (let p = parent.get(pid), hops = 0; p !== undefined && hops < 64; p = parent.get(p), hops++) {
      if (p === process.pid) return true;
    }
    return false;
  };
  return [...parent.keys()].filter(below);
}

function rssKb(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

interface Sample {
  processes: number;
  fds: number;
  childRssMb: number;
  heapMb: number;
}

function sample(): Sample {
  const pids = descendants();
  global.gc?.();
  return {
    processes: pids.length,
    fds: readdirSync("/proc/self/fd").length,
    childRssMb: Math.round(rssKb(pids) / 1024),
    heapMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
  };
}

describe("a long-running bridge stays flat", () => {
  it("runs 500 turns over 50 sessions, closing each, without growing", async () => {
    await using f = await launchBridge(() => reply.text("ok"), { recycleAfterClosed: 8 });
    const samples: Sample[] = [];
    for (let i = 0; i < 50; i++) {
      const session = await f.bridge.startSession({ cwd: f.workdir });
      for (let t = 0; t < 10; t++) {
        const result = await session.run(`turn ${t} of session ${i}`);
        expect(result.status, result.error?.message).toBe("completed");
      }
      await session.close();
      if (i % 10 === 9) samples.push(sample());
    }
    expect(f.mock.requests).toHaveLength(500);
    expect(f.bridge.sessions).toHaveLength(0);
    const [early, , , , last] = samples as [Sample, Sample, Sample, Sample, Sample];
    // Before closing freed anything, every session kept a tool server: 50 would be 50+ processes.
    // Bounded: the app-server, its shells and at most `recycleAfterClosed` released tool servers.
    for (const s of samples) expect(s.processes, JSON.stringify(samples)).toBeLessThanOrEqual(2 * 8 + 4);
    expect(last.fds - early.fds, JSON.stringify(samples)).toBeLessThanOrEqual(8);
    expect(last.childRssMb - early.childRssMb, JSON.stringify(samples)).toBeLessThanOrEqual(300);
    expect(last.heapMb - early.heapMb, JSON.stringify(samples)).toBeLessThanOrEqual(40);
    const stored = f.bridge.store?.listSessions(100) ?? [];
    expect(stored.filter((s) => s.status === "closed")).toHaveLength(50);
  }, 600_000);
});
