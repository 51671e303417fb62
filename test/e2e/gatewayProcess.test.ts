// `codex-bridge serve` as a process: SIGKILL in the middle of a turn leaves
// an intact journal and the session resumes on the next start; SIGTERM
// interrupts turns after its grace period and exits cleanly; --stdio speaks
// the same protocol on stdin/stdout and nothing else.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BridgeStore } from "../../src/store/store.js";
import { createMockCodexHome, startMockResponses } from "../../src/testing/index.js";
import { contractScript } from "../contract/runtime.js";
import { connectGateway, type TestClient, upgradeStatus } from "../harness/gatewayClient.js";
import { isAlive, trackDir, trackPid } from "../harness/tracking.js";

const bin = fileURLToPath(new URL("../../bin/codex-bridge.js", import.meta.url));
const built = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

async function fixture() {
  if (!existsSync(built)) throw new Error("dist/ is missing: run `npm run build` first");
  const mock = await startMockResponses(contractScript);
  const home = await createMockCodexHome({ providerUrl: mock.url });
  trackDir(home.path);
  const dir = await mkdtemp(join(tmpdir(), "codex-bridge-serve-"));
  trackDir(dir);
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    CODEX_HOME: home.path,
    CODEX_BRIDGE_HOME: join(dir, "bridge-home"),
  };
  return {
    mock,
    dir,
    env,
    async [Symbol.asyncDispose]() {
      await mock.close();
      await home.remove();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

interface Served {
  proc: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function serve(env: Record<string, string>, args: string[] = []): Promise<Served> {
  const proc = spawn(process.execPath, [bin, "serve", ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
  trackPid(proc.pid ?? 0);
  let stdout = "";
  let stderr = "";
  proc.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
      const line = /^(ws:\/\/\S+)\n/.exec(stdout);
      if (line?.[1]) resolve(line[1]);
    });
    void exited.then(({ code }) => reject(new Error(`serve exited (${code}) before listening: ${stderr}`)));
  });
  return { proc, url, stderr: () => stderr, exited };
}

/** Every process descended from `pid` (the codex app-server and what it runs). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

async function waitUntil(
  pred: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const eventOf = (m: { method?: string; params?: Record<string, unknown> }) =>
  m.method === "event" ? (m.params?.event as { seq: number; event: { type: string } }) : undefined;

async function stalledTurn(c: TestClient, cwd: string) {
  const started = await c.call("session.start", { cwd });
  const sessionId = String(started.result?.id);
  await c.call("events.subscribe", { sessionId });
  const turn = await c.call("turn.start", { sessionId, input: "stall here" });
  expect(turn.result?.turnId).toEqual(expect.any(String));
  return { sessionId, turnId: String(turn.result?.turnId) };
}

describe("codex-bridge serve", () => {
  it("SIGKILL mid-turn: on restart the session is listed with the turn interrupted, resumes, and runs the next turn", async () => {
    await using f = await fixture();
    const first = await serve(f.env);
    const c = await connectGateway(first.url);
    const { sessionId, turnId } = await stalledTurn(c, f.dir);
    await c.until((m) => eventOf(m)?.event.type === "turn.started");
    const codex = descendants(first.proc.pid ?? 0);
    expect(codex.length).toBeGreaterThan(0);
    for (const pid of codex) trackPid(pid);
    first.proc.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    await c.closed;
    // codex sees its stdin close and exits by itself.
    await waitUntil(() => codex.every((pid) => !isAlive(pid)), "codex to exit after its parent was killed");

    const second = await serve(f.env);
    const d = await connectGateway(second.url);
    const listed = await d.call("session.list", {});
    const summary = (listed.result?.sessions as Array<{ id: string; status: string; lastSeq: number }>).find(
      (s) => s.id === sessionId,
    );
    expect(summary?.status).toBe("interrupted");
    const waited = await d.call("turn.wait", { sessionId, turnId });
    expect(waited.result).toMatchObject({ status: "interrupted", error: { code: "BRIDGE_EXITED" } });
    // The journal is whole: seq 1..lastSeq, ending with the turn's interruption.
    await d.call("events.subscribe", { sessionId });
    await d.until((m) => eventOf(m)?.seq === summary?.lastSeq);
    const seqs = d.messages.flatMap((m) => (eventOf(m) ? [eventOf(m)?.seq] : []));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(eventOf(d.messages.filter((m) => eventOf(m)).at(-1) ?? {})?.event.type).toBe("turn.completed");

    expect((await d.call("session.resume", { sessionId })).result).toMatchObject({ id: sessionId });
    const next = await d.call("turn.start", { sessionId, input: "hello after the crash" });
    const done = await d.call("turn.wait", { sessionId, turnId: next.result?.turnId });
    expect(done.result).toMatchObject({ status: "completed", finalText: "hi from mock" });
    await d.close();
    second.proc.kill("SIGTERM");
    expect((await second.exited).code).toBe(0);
  });

  it("SIGTERM: stops accepting, interrupts the running turn after the grace period, exits 0 with the journal closed", async () => {
    await using f = await fixture();
    const s = await serve(f.env, ["--shutdown-grace-ms", "3000"]);
    const c = await connectGateway(s.url);
    const { sessionId, turnId } = await stalledTurn(c, f.dir);
    await c.until((m) => eventOf(m)?.event.type === "turn.started");
    s.proc.kill("SIGTERM");
    // New connections are refused while the running turn has its grace period; the open one stays.
    await waitUntil(async () => (await upgradeStatus(s.url)) !== 0, "the listener to stop accepting");
    expect(c.messages.some((m) => eventOf(m)?.event.type === "turn.completed")).toBe(false);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    const interrupted = await c.until((m) => eventOf(m)?.event.type === "turn.completed");
    expect(interrupted.params?.event).toMatchObject({ event: { result: { status: "interrupted" } } });
    expect((await c.closed).code).toBe(1001);
    expect((await s.exited).code).toBe(0);
    const again = await serve(f.env);
    const d = await connectGateway(again.url);
    expect((await d.call("turn.wait", { sessionId, turnId })).result).toMatchObject({
      status: "interrupted",
    });
    await d.close();
    again.proc.kill("SIGTERM");
    await again.exited;
  });

  it("Ctrl-C says at once what it waits for; a second Ctrl-C stops without the grace, the turn interrupted", async () => {
    await using f = await fixture();
    const s = await serve(f.env, ["--shutdown-grace-ms", "60000"]);
    const c = await connectGateway(s.url);
    const { sessionId, turnId } = await stalledTurn(c, f.dir);
    await c.until((m) => eventOf(m)?.event.type === "turn.started");
    s.proc.kill("SIGINT");
    await waitUntil(
      () =>
        s.stderr().includes("shutting down: waiting up to 60s for 1 running turn (Ctrl-C again to stop now)"),
      "the shutdown notice",
      10_000,
    );
    const second = Date.now();
    s.proc.kill("SIGINT");
    expect((await s.exited).code).toBe(0);
    expect(Date.now() - second).toBeLessThan(30_000);
    expect(s.stderr()).toContain("stopping now");
    const again = await serve(f.env);
    const d = await connectGateway(again.url);
    expect((await d.call("turn.wait", { sessionId, turnId })).result).toMatchObject({
      status: "interrupted",
    });
    await d.close();
    await c.close().catch(() => undefined);
    again.proc.kill("SIGTERM");
    await again.exited;
  });

  it("sessions rm refuses a session serve is running, even with --force; one deleted under it all the same ends its turn and its subscribers", async () => {
    await using f = await fixture();
    const s = await serve(f.env, ["--shutdown-grace-ms", "60000"]);
    const c = await connectGateway(s.url);
    const { sessionId, turnId } = await stalledTurn(c, f.dir);
    await c.until((m) => eventOf(m)?.event.type === "turn.started");
    for (const args of [["rm"], ["rm", "--force"]]) {
      const rm = spawnSync(process.execPath, [bin, "sessions", ...args, sessionId], {
        env: f.env,
        encoding: "utf8",
      });
      expect(rm.status, rm.stderr).toBe(1);
      expect(rm.stderr).toContain(`${sessionId} is running a turn in process ${s.proc.pid} on this host`);
    }
    // A writer that does not ask (another tool on the same database) deletes it anyway.
    {
      using store = BridgeStore.open(join(f.env.CODEX_BRIDGE_HOME ?? "", "bridge.db"));
      expect(store.deleteSession(sessionId)).toBe(true);
    }
    await c.call("turn.cancel", { sessionId });
    const closed = await c.until((m) => m.method === "subscription.closed", 20_000);
    expect(closed.params?.error).toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining(`session ${sessionId} was deleted from the store while its turn ran`),
    });
    const waited = await c.call("turn.wait", { sessionId, turnId });
    expect(waited.result).toMatchObject({ status: expect.stringMatching(/^(interrupted|failed)$/) });
    // It is gone for good: a next turn is refused before anything reaches codex.
    const again = await c.call("turn.start", { sessionId, input: "again" });
    expect(again.error?.data).toMatchObject({ code: "NOT_FOUND" });
    // Nothing is left running: Ctrl-C stops serve without waiting out the grace.
    const stop = Date.now();
    s.proc.kill("SIGINT");
    expect((await s.exited).code).toBe(0);
    expect(Date.now() - stop).toBeLessThan(30_000);
    expect(s.stderr()).not.toContain("waiting up to");
    await c.close().catch(() => undefined);
  });

  it("--listen 0.0.0.0:0 prints a loopback URL to connect to and the console's URL; listening on names the bound address", async () => {
    await using f = await fixture();
    const s = await serve(f.env, ["--listen", "0.0.0.0:0"]);
    expect(s.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const port = new URL(s.url).port;
    await waitUntil(() => s.stderr().includes("console:"), "the console line", 10_000);
    expect(s.stderr()).toContain(`listening on ws://0.0.0.0:${port}`);
    expect(s.stderr()).toContain(`console: http://127.0.0.1:${port}/\n`);
    s.proc.kill("SIGTERM");
    expect((await s.exited).code).toBe(0);
  });

  it("--stdio: gateway.ready first, answers on stdout only, -32700 keeps the connection, exits when stdin ends", async () => {
    await using f = await fixture();
    const proc = spawn(process.execPath, [bin, "serve", "--stdio"], {
      env: f.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    trackPid(proc.pid ?? 0);
    let stdout = "";
    proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
    const lines = () =>
      stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    await waitUntil(() => lines().length >= 1, "gateway.ready");
    expect(lines()[0]).toMatchObject({ method: "gateway.ready" });
    proc.stdin.write("not json at all\n");
    proc.stdin.write(`${JSON.stringify({ id: 1, method: "session.list", params: {} })}\n`);
    proc.stdin.write(`${JSON.stringify({ id: 2, method: "session.read", params: {} })}\n`);
    await waitUntil(() => lines().length >= 4, "three answers");
    const byId = (id: unknown) => lines().find((l) => l.id === id);
    const [parse, list, read] = [byId(null), byId(1), byId(2)];
    expect(parse).toMatchObject({ id: null, error: { code: -32700 } });
    expect(list).toMatchObject({ id: 1, result: { sessions: [] } });
    expect(read).toMatchObject({ id: 2, error: { code: -32602, data: { fields: ["sessionId"] } } });
    proc.stdin.end();
    expect(await exited).toBe(0);
    // Every stdout line was a protocol message.
    expect(lines()).toHaveLength(4);
  });
});
