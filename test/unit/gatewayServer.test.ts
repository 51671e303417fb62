// The gateway's client handling on a fake transport and a fake runtime: a
// crashing handler answers -32603 and logs the request id with secrets
// redacted; sessions nobody follows are reaped after the grace period unless
// a client subscribes again; a client past its send bound is closed (4008).
import { describe, expect, it } from "vitest";
import type { GatewayTransport } from "../../src/gateway/client.js";
import { GatewayServer } from "../../src/gateway/server.js";
import type { Runtime, RuntimeEvent, Subscription } from "../../src/runtime/runtime.js";

function fakeRuntime(overrides: Partial<Runtime> = {}) {
  const closed: string[] = [];
  const base: Partial<Runtime> = {
    capabilities: () =>
      Promise.resolve({
        kind: "local",
        version: "0.0.0",
        codexVersion: null,
        cancel: true,
        steer: true,
        resume: true,
        approvals: true,
        replay: true,
        board: false,
      }),
    startSession: () => Promise.resolve({ id: "s1" } as never),
    closeSession: (id: string) => {
      closed.push(id);
      return Promise.resolve();
    },
    subscribe: (_p, _on: (e: RuntimeEvent) => void): Promise<Subscription> => {
      let end: (r: Error | null) => void = () => {};
      const done = new Promise<Error | null>((r) => (end = r));
      return Promise.resolve({ closed: done, close: () => Promise.resolve(end(null)) });
    },
    listSessions: () => Promise.resolve([]),
    close: () => Promise.resolve(),
    ...overrides,
  };
  return { runtime: base as Runtime, closed };
}

function fakeTransport(buffered = () => 0) {
  const sent: Array<Record<string, unknown>> = [];
  const closes: Array<[number, string]> = [];
  const transport: GatewayTransport = {
    send: (t) => sent.push(JSON.parse(t) as Record<string, unknown>),
    bufferedBytes: buffered,
    close: (code, reason) => closes.push([code, reason]),
  };
  return { transport, sent, closes };
}

const until = async (pred: () => boolean) => {
  for (let i = 0; i < 500 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(pred()).toBe(true);
};

describe("gateway server", () => {
  it("a handler that crashes answers -32603 with the request id; the log has it, the secret does not", async () => {
    const logs: string[] = [];
    const { runtime } = fakeRuntime({
      listSessions: () => Promise.reject(new TypeError("boom with sk-abcdefghijklmnop1234 inside")),
    });
    const gateway = new GatewayServer({ runtime, log: (l) => logs.push(l) });
    const t = fakeTransport();
    const client = await gateway.accept(t.transport);
    client.receive(JSON.stringify({ id: "req-9", method: "session.list", params: {} }));
    await until(() => t.sent.some((m) => m.id === "req-9"));
    const answer = t.sent.find((m) => m.id === "req-9") as { error: { code: number; message: string } };
    expect(answer.error.code).toBe(-32603);
    expect(answer.error.message).toContain("req-9");
    expect(answer.error.message).not.toContain("sk-");
    expect(logs.join("\n")).toContain("req-9");
    expect(logs.join("\n")).toContain("[REDACTED]");
    expect(logs.join("\n")).not.toContain("sk-abcdefghijklmnop1234");
    // The connection lives on.
    client.receive(JSON.stringify({ id: 2, method: "gateway.health" }));
    await until(() => t.sent.some((m) => m.id === 2 && "result" in m));
  });

  it("a session nobody subscribes to is closed after the grace period; a resubscribe in time keeps it", async () => {
    const { runtime, closed } = fakeRuntime();
    const gateway = new GatewayServer({ runtime, graceMs: 150 });
    const a = fakeTransport();
    const client = await gateway.accept(a.transport);
    client.receive(JSON.stringify({ id: 1, method: "session.start", params: {} }));
    client.receive(JSON.stringify({ id: 2, method: "events.subscribe", params: { sessionId: "s1" } }));
    await until(() => a.sent.some((m) => m.id === 2));
    client.dispose(); // the client went away: the timer starts
    const b = fakeTransport();
    const again = await gateway.accept(b.transport);
    again.receive(JSON.stringify({ id: 3, method: "events.subscribe", params: { sessionId: "s1" } }));
    await until(() => b.sent.some((m) => m.id === 3));
    await new Promise((r) => setTimeout(r, 400));
    expect(closed).toEqual([]);
    again.dispose();
    await until(() => closed.length === 1);
    expect(closed).toEqual(["s1"]);
  });

  it("a client whose queued bytes pass the bound is closed with 4008 and a reason", async () => {
    const { runtime } = fakeRuntime();
    let queued = 0;
    const gateway = new GatewayServer({ runtime, maxBufferedBytes: 1000 });
    const t = fakeTransport(() => queued);
    const client = await gateway.accept(t.transport);
    queued = 5000;
    client.receive(JSON.stringify({ id: 1, method: "gateway.health" }));
    await until(() => t.closes.length === 1);
    expect(t.closes[0]?.[0]).toBe(4008);
    expect(t.closes[0]?.[1]).toMatch(/slow consumer/);
    expect(client.closed).toBe(true);
  });

  it("a client whose queue does not drain within the write timeout is closed", async () => {
    const { runtime } = fakeRuntime();
    const gateway = new GatewayServer({ runtime, writeTimeoutMs: 100 });
    const t = fakeTransport(() => 10);
    await gateway.accept(t.transport);
    await until(() => t.closes.length === 1);
    expect(t.closes[0]?.[1]).toMatch(/write timeout/);
  });
});
