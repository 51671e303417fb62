import { describe, expect, it } from "vitest";
import type { Session } from "../../src/codex/session.js";
import { type MockRequest, reply } from "../../src/testing/index.js";
import { launchBridge } from "../harness/bridge.js";
import { trackPid } from "../harness/tracking.js";

/** Answers "echo: <the last user text>", so each reply proves which session it belongs to. */
const echo = (r: MockRequest) => {
  const said = JSON.stringify(r.body.input).match(/say ([a-z0-9-]+)/g) ?? [];
  return reply.text(`echo: ${said.at(-1) ?? "nothing"}`);
};

async function pidOf(
  f: { bridge: { client(s: Session): Promise<{ client: { process: { pid: number } } }> } },
  s: Session,
) {
  const pid = (await f.bridge.client(s)).client.process.pid;
  trackPid(pid);
  return pid;
}

describe("app-server processes (real codex)", () => {
  it("sessions started one at a time share one process; a burst is spread over maxAppServers", async () => {
    await using f = await launchBridge(echo, { maxAppServers: 3 });
    const one = await f.bridge.startSession({ cwd: f.workdir });
    const two = await f.bridge.startSession({ cwd: f.workdir });
    expect(await pidOf(f, two)).toBe(await pidOf(f, one));
    expect(f.bridge.processIds).toHaveLength(1);

    const burst = await Promise.all(
      Array.from({ length: 6 }, () => f.bridge.startSession({ cwd: f.workdir })),
    );
    const pids = await Promise.all(burst.map((s) => pidOf(f, s)));
    expect(new Set(pids).size).toBe(3);
    expect(f.bridge.processIds).toHaveLength(3);
    // Every session's turn runs on its own process and its answer comes back to it.
    const results = await Promise.all(burst.map((s, i) => s.run(`say s-${i}`)));
    expect(results.map((r) => r.finalText)).toEqual(burst.map((_, i) => `echo: say s-${i}`));
  });

  it("a crashed process costs only its own sessions a resume; a process left empty is stopped", async () => {
    await using f = await launchBridge(echo, { maxAppServers: 2 });
    const [a, b] = await Promise.all([
      f.bridge.startSession({ cwd: f.workdir }),
      f.bridge.startSession({ cwd: f.workdir }),
    ]);
    if (!a || !b) throw new Error("two sessions expected");
    expect((await a.run("say first-a")).finalText).toBe("echo: say first-a");
    expect((await b.run("say first-b")).finalText).toBe("echo: say first-b");
    const pidA = await pidOf(f, a);
    const pidB = await pidOf(f, b);
    expect(pidA).not.toBe(pidB);

    process.kill(pidA, "SIGKILL");
    await expect.poll(() => f.bridge.processIds.includes(pidA)).toBe(false);
    // b never noticed; a resumes its thread on a fresh process and remembers its history.
    expect((await b.run("say second-b")).finalText).toBe("echo: say second-b");
    expect(await pidOf(f, b)).toBe(pidB);
    const again = await a.run("say second-a");
    expect(again.finalText).toBe("echo: say second-a");
    const lastInput = JSON.stringify(f.mock.requests.at(-1)?.body.input);
    expect(lastInput).toContain("say first-a");
    expect(await pidOf(f, a)).not.toBe(pidA);

    await b.close();
    await expect.poll(() => f.bridge.processIds).toEqual([await pidOf(f, a)]);
    expect((await a.run("say third-a")).finalText).toBe("echo: say third-a");
  });
});
