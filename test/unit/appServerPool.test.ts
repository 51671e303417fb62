import { describe, expect, it } from "vitest";
import { AppServerPool } from "../../src/codex/appServerPool.js";
import type { CodexClient } from "../../src/codex/client.js";

/** A stand-in for a started app-server client: what the pool reads of it. */
function fakeClient(pid: number) {
  const proc = { pid, exitInfo: undefined as unknown, connection: { state: "open" } };
  const client = {
    process: proc,
    closed: false,
    close: () => {
      client.closed = true;
      proc.connection.state = "closed";
      return Promise.resolve();
    },
  };
  return client;
}
type Fake = ReturnType<typeof fakeClient>;

function pool(size: number) {
  const spawned: Fake[] = [];
  const p = new AppServerPool<object>(() => {
    const c = fakeClient(1000 + spawned.length);
    spawned.push(c);
    return Promise.resolve(c as unknown as CodexClient);
  }, size);
  /** Places a session and starts its thread; `finish` ends the start. */
  const start = async (s: object) => {
    const finish = p.threadStarting(s);
    const { client, generation } = await p.client(s);
    return { client: client as unknown as Fake, generation, finish };
  };
  return { p, spawned, start };
}

describe("AppServerPool", () => {
  it("sessions started one at a time share one process", async () => {
    const { p, spawned, start } = pool(4);
    const pids = [];
    for (let i = 0; i < 5; i++) {
      const s = await start({});
      pids.push(s.client.process.pid);
      s.finish();
    }
    expect(new Set(pids).size).toBe(1);
    expect(spawned).toHaveLength(1);
    expect(p.processIds).toEqual([1000]);
  });

  it("a burst is spread over at most `size` processes, evenly", async () => {
    const { p, spawned, start } = pool(4);
    const sessions = Array.from({ length: 16 }, () => ({}));
    const started = await Promise.all(sessions.map((s) => start(s)));
    expect(spawned).toHaveLength(4);
    const perProcess = new Map<number, number>();
    for (const s of started)
      perProcess.set(s.client.process.pid, (perProcess.get(s.client.process.pid) ?? 0) + 1);
    expect([...perProcess.values()]).toEqual([4, 4, 4, 4]);
    expect(new Set(started.map((s) => s.generation)).size).toBe(4);
    expect(p.processIds).toHaveLength(4);
  });

  it("a session stays on its process; a crashed process is respawned with a new generation for its sessions only", async () => {
    const { p, start } = pool(2);
    const a = {};
    const b = {};
    const [sa, sb] = await Promise.all([start(a), start(b)]);
    sa.finish();
    sb.finish();
    expect(sa.client).not.toBe(sb.client);
    expect((await p.client(a)).client).toBe(sa.client as unknown as CodexClient);
    sa.client.process.exitInfo = { code: null, signal: "SIGKILL" };
    const again = await p.client(a);
    expect(again.client).not.toBe(sa.client as unknown as CodexClient);
    expect(again.generation).not.toBe(sa.generation);
    expect(again.generation).not.toBe(sb.generation);
    expect(await p.client(b)).toMatchObject({ generation: sb.generation });
  });

  it("a process left without sessions is stopped, never the last one", async () => {
    const { p, start } = pool(2);
    const a = {};
    const b = {};
    const [sa, sb] = await Promise.all([start(a), start(b)]);
    sa.finish();
    sb.finish();
    const idle = () => true;
    expect(p.release(b, 0, idle)).toBe(sb.client as unknown as CodexClient);
    expect(p.processIds).toEqual([sa.client.process.pid]);
    expect(p.release(a, 0, idle)).toBeUndefined();
    expect(p.processIds).toEqual([sa.client.process.pid]);
  });

  it("recycles a process after `recycleAfter` released sessions, only when the rest are idle", async () => {
    const { p, start } = pool(1);
    const keep = {};
    const s = await start(keep);
    s.finish();
    const busy = { running: true };
    const [r1, r2] = [{}, {}];
    for (const r of [r1, r2]) (await start(r)).finish();
    expect(p.release(r1, 2, () => true)).toBeUndefined();
    expect(p.release(r2, 2, () => false)).toBeUndefined();
    expect(p.current(keep)?.client).toBe(s.client as unknown as CodexClient);
    (await start(busy)).finish();
    expect(p.release(busy, 2, () => true)).toBe(s.client as unknown as CodexClient);
    expect(p.current(keep)).toBeNull();
    const next = await p.client(keep);
    expect(next.generation).toBeGreaterThan(s.generation);
  });

  it("drain waits for a process still starting and stops it; its caller is told the bridge closed", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const late = fakeClient(7);
    const p = new AppServerPool<object>(async () => {
      await gate;
      return late as unknown as CodexClient;
    }, 1);
    const pending = p.client({}).catch((e: unknown) => e);
    const drained = p.drain();
    release();
    expect(await drained).toEqual([]);
    expect(late.closed).toBe(true);
    expect(await pending).toMatchObject({ code: "INVALID_STATE" });
  });
});
