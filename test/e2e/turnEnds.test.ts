// A turn always ends, with a status that says why: on the real codex, with
// the mock model streaming forever, codex frozen, the store failing, an
// approval nobody answers, and a tool server that comes up late.
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { BridgeError } from "../../src/errors.js";
import type { SessionEvent } from "../../src/codex/events.js";
import { BridgeStore } from "../../src/store/store.js";
import { functionCallOutputs, item, reply, respond } from "../../src/testing/index.js";
import { launchBridge } from "../harness/bridge.js";
import { isAlive, trackPid } from "../harness/tracking.js";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

describe("a turn always ends", () => {
  it("hits its deadline while codex keeps streaming", async () => {
    // 600 deltas 40 ms apart: 24 s of steady activity, against a 1.5 s deadline.
    const streaming = respond([item.message("x".repeat(600), { deltas: 600 })], { eventDelayMs: 40 });
    await using f = await launchBridge([streaming], {
      watchdog: { turnTimeoutMs: 1500 },
    });
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const deltas: string[] = [];
    const streamed = session.runStreamed("stream forever");
    for await (const e of streamed.events) if (e.type === "text.delta") deltas.push(e.delta);
    const result = await streamed.result;
    expect(result.status).toBe("failed");
    expect(result.error?.code).toBe("TURN_TIMEOUT");
    // Cut near its deadline while the stream was still going (1.5 s is at most ~40 deltas; the fault let ~160 through).
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.length).toBeLessThan(100);
  });

  it("ends a turn the host closes the bridge under as interrupted, with the host's reason, stored so", async () => {
    const streaming = respond([item.message("y".repeat(400), { deltas: 400 })], { eventDelayMs: 40 });
    await using f = await launchBridge([streaming]);
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const streamed = session.runStreamed("stream for a while");
    for await (const e of streamed.events) {
      if (e.type === "text.delta") break;
    }
    await f.bridge.close("the host shut down");
    const result = await streamed.result;
    expect(result.status).toBe("interrupted");
    expect(result.error).toMatchObject({ code: "BRIDGE_CLOSED", message: "the host shut down" });
    using store = BridgeStore.open(f.storePath);
    expect(store.listTurns(session.id).at(-1)).toMatchObject({
      status: "interrupted",
      error: { code: "BRIDGE_CLOSED", message: "the host shut down" },
    });
  });

  it("fails a turn whose turn/start codex never answers, and retires the process", async () => {
    await using f = await launchBridge([reply.text("fresh process")], {
      watchdog: { startTimeoutMs: 1000 },
    });
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const pid = await f.pid();
    process.kill(pid, "SIGSTOP"); // alive, but answers nothing
    const result = await session.run("are you there");
    expect(result.status).toBe("failed");
    expect(result.error?.code).toBe("TURN_START_TIMEOUT");
    expect(result.error?.message).toContain("did not answer turn/start");
    await expect.poll(() => isAlive(pid), { timeout: 20_000 }).toBe(false);
    expect(session.running).toBe(false);
    const next = await session.run("again");
    expect(next.error).toBeUndefined();
    expect(next).toMatchObject({ status: "completed", finalText: "fresh process" });
  });

  it("bounds every request to codex: a frozen codex fails session start with REQUEST_TIMEOUT", async () => {
    // The bound covers initialize too: long enough for codex to start on a machine whose cores are
    // busy (1 s was not, once, in a loaded full run), short enough to show the frozen start fail.
    await using f = await launchBridge([], { requestTimeoutMs: 5000 });
    const pid = await f.pid();
    process.kill(pid, "SIGSTOP");
    try {
      await expect(f.bridge.startSession({ cwd: f.workdir })).rejects.toMatchObject({
        code: "REQUEST_TIMEOUT",
      });
    } finally {
      process.kill(pid, "SIGCONT");
    }
  });
});

describe("a failing store never keeps a turn from ending", () => {
  type Method = "startTurn" | "flushJournal" | "addMessage" | "finishTurn" | "recordApproval";
  /** Makes one store method throw as SQLite does on a full disk, from its `from`-th call on. */
  function breakStore(store: BridgeStore, method: Method, from = 1): () => void {
    const original = store[method].bind(store) as (...args: unknown[]) => unknown;
    let calls = 0;
    (store as unknown as Record<Method, unknown>)[method] = (...args: unknown[]) => {
      if (++calls >= from) {
        throw new BridgeError("STORE_FAILED", `database or disk is full: ${store.path}`);
      }
      return original(...args);
    };
    return () => {
      (store as unknown as Record<Method, unknown>)[method] = original;
    };
  }

  it.each([
    ["startTurn", 1],
    ["flushJournal", 3],
    ["addMessage", 1],
    ["finishTurn", 1],
  ] as const)("ends the turn when %s fails (call %i on)", async (method, from) => {
    await using f = await launchBridge([reply.text("first"), reply.text("second")]);
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const store = f.bridge.store as BridgeStore;
    const heal = breakStore(store, method, from);
    const result = await session.run("go");
    expect(result.status).toBe("failed");
    expect(result.error?.code).toBe("STORE_FAILED");
    expect(result.error?.message).toContain(store.path);
    expect(session.running).toBe(false);
    heal();
    // The session is not stuck "already running": the next turn runs and is stored.
    const next = await session.run("again");
    expect(next.status).toBe("completed");
    expect(store.listTurns(session.id).at(-1)).toMatchObject({ status: "completed" });
    expect(store.getSession(session.id)?.status).toBe("idle");
  });

  it("ends the turn when the approval audit cannot be written", async () => {
    await using f = await launchBridge(
      [reply.execCommand("echo audited", { callId: "a1" }), reply.text("done"), reply.text("next")],
      { approvals: { policy: "accept" } },
    );
    const session = await f.bridge.startSession({
      cwd: f.workdir,
      approvalPolicy: "untrusted",
      sandbox: "danger-full-access",
    });
    const store = f.bridge.store as BridgeStore;
    const heal = breakStore(store, "recordApproval");
    const result = await session.run("run it");
    expect(result.error?.code).toBe("STORE_FAILED");
    heal();
    expect((await session.run("again")).status).toBe("completed");
  });

  it("ends the turn while another process holds the store's write lock", async () => {
    await using f = await launchBridge([reply.text("blocked"), reply.text("free again")]);
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const holder = execa(process.execPath, [fixture("lockHolder.mjs"), f.storePath, "9000"], {
      stdout: "pipe",
    });
    trackPid(holder.pid ?? -1);
    await new Promise<void>((resolve) => holder.stdout?.once("data", () => resolve()));
    const result = await session.run("write while locked");
    expect(result.status).toBe("failed");
    expect(result.error?.code).toBe("LOCKED");
    expect(result.error?.message).toContain(f.storePath);
    expect(session.running).toBe(false);
    await holder;
    // The locked turn stopped before it reached codex; the next one runs and is stored.
    expect(f.mock.requests).toHaveLength(0);
    const next = await session.run("again");
    expect(next).toMatchObject({ status: "completed", finalText: "blocked" });
    expect(f.bridge.store?.listTurns(session.id).map((t) => t.status)).toEqual(["completed"]);
  });
});

describe("approvals end with their turn", () => {
  it("withdraws an unanswered approval when the turn is interrupted, so the next turn's watchdog runs", async () => {
    await using f = await launchBridge(
      [reply.execCommand("echo never-asked-back", { callId: "w1" }), reply.stall()],
      {
        watchdog: { turnTimeoutMs: 4000 },
        approvals: {
          onRequest: (_req, { signal }) =>
            new Promise((_resolve, reject) =>
              signal.addEventListener("abort", () => reject(signal.reason as Error)),
            ),
        },
      },
    );
    const session = await f.bridge.startSession({ cwd: f.workdir, approvalPolicy: "untrusted" });
    const events: SessionEvent[] = [];
    session.subscribe((e) => events.push(e));
    const pending = session.run("ask me");
    await expect
      .poll(() => events.some((e) => e.type === "approval.requested"), { timeout: 30_000 })
      .toBe(true);
    await session.interrupt();
    const first = await pending;
    expect(first.status).toBe("interrupted");
    const resolved = events.find((e) => e.type === "approval.resolved");
    expect(resolved).toMatchObject({ decidedBy: "aborted", decision: { decision: "decline" } });
    expect(f.bridge.store?.listApprovals(session.id)).toMatchObject([{ decidedBy: "aborted" }]);
    // The next turn hangs in the model: its deadline must fire (it would stay paused behind the old approval).
    const second = await session.run("hang");
    expect(second.error?.code).toBe("TURN_TIMEOUT");
  }, 60_000);
});

describe("the first turn finds the bridge's tool server up", () => {
  it("waits for a tool server that starts slowly before the first turn", async () => {
    await using f = await launchBridge(
      [respond([item.mcpCall("codex-bridge-tools", "ping", {}, { callId: "p1" })]), reply.text("ok")],
      { toolServer: { modules: [fixture("slowStartTools.mjs")] } },
    );
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const result = await session.run("ping the tool");
    expect(result.status).toBe("completed");
    const output = JSON.stringify(functionCallOutputs(f.mock.requests[1]?.body ?? {}).get("p1"));
    expect(output).toContain("pong");
  });
});
