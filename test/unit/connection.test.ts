import { PassThrough, Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { BridgeError, JsonRpcError } from "../../src/errors.js";
import { JsonRpcConnection } from "../../src/jsonrpc/connection.js";

/** A peer on the far side of a connection: reads what we send, writes what we receive. */
function pair(options: ConstructorParameters<typeof JsonRpcConnection>[2] = {}) {
  const toUs = new PassThrough();
  const fromUs = new PassThrough();
  const sent: Array<Record<string, unknown>> = [];
  let buffer = "";
  fromUs.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl = buffer.indexOf("\n");
    while (nl >= 0) {
      sent.push(JSON.parse(buffer.slice(0, nl)));
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf("\n");
    }
  });
  const connection = new JsonRpcConnection(toUs, fromUs, options).open();
  const errors: Error[] = [];
  connection.onError((e) => errors.push(e));
  return {
    connection,
    sent,
    errors,
    peer: (message: unknown) => toUs.write(`${JSON.stringify(message)}\n`),
    peerRaw: (text: string) => toUs.write(text),
    endPeer: () => toUs.end(),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}
const open: JsonRpcConnection[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

describe("JsonRpcConnection", () => {
  it("sends requests with increasing ids and no jsonrpc field, resolving by id", async () => {
    const p = pair();
    open.push(p.connection);
    const a = p.connection.request("a/one", { x: 1 });
    const b = p.connection.request("b/two");
    await tick();
    expect(p.sent).toEqual([
      { id: 0, method: "a/one", params: { x: 1 } },
      { id: 1, method: "b/two" },
    ]);
    p.peer({ id: 1, result: { second: true } });
    p.peer({ jsonrpc: "2.0", id: 0, result: "first" });
    await expect(a).resolves.toBe("first");
    await expect(b).resolves.toEqual({ second: true });
    expect(p.connection.pendingCount).toBe(0);
  });

  it("rejects with JsonRpcError carrying the wire code, message and method", async () => {
    const p = pair();
    open.push(p.connection);
    const req = p.connection.request("thing/do", {});
    await tick();
    p.peer({ id: 0, error: { code: -32602, message: "bad params", data: { field: "x" } } });
    const err = await req.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JsonRpcError);
    expect(err).toMatchObject({
      code: -32602,
      rpcMessage: "bad params",
      method: "thing/do",
      data: { field: "x" },
    });
  });

  it("answers a server request with no handler with -32601 at once", async () => {
    const p = pair();
    open.push(p.connection);
    p.peer({ id: 0, method: "item/unknown/request", params: {} });
    await tick();
    await tick();
    expect(p.sent).toEqual([
      { id: 0, error: { code: -32601, message: "no handler for item/unknown/request" } },
    ]);
  });

  it("routes a server request to its handler; server ids overlapping ours do not confuse responses", async () => {
    const p = pair();
    open.push(p.connection);
    p.connection.handle("ask/me", (params) => ({ echoed: params }));
    const ours = p.connection.request("mine", {});
    await tick();
    p.peer({ id: 0, method: "ask/me", params: { q: 1 } });
    await tick();
    await tick();
    expect(p.sent).toContainEqual({ id: 0, result: { echoed: { q: 1 } } });
    p.peer({ id: 0, result: "ours" });
    await expect(ours).resolves.toBe("ours");
  });

  it("answers -32603 when a handler throws, and reports it", async () => {
    const p = pair();
    open.push(p.connection);
    p.connection.handle("explode", () => {
      throw new Error("kaboom");
    });
    p.connection.handle("refuse", () => {
      throw new JsonRpcError(-32602, "nope");
    });
    p.peer({ id: 5, method: "explode" });
    p.peer({ id: 6, method: "refuse" });
    await tick();
    await tick();
    expect(p.sent).toContainEqual({ id: 5, error: { code: -32603, message: "kaboom" } });
    expect(p.sent).toContainEqual({ id: 6, error: { code: -32602, message: "nope" } });
    expect(p.errors.map((e) => e.message).join()).toContain("the handler for explode threw: kaboom");
  });

  it("refuses a second handler for one method", () => {
    const p = pair();
    open.push(p.connection);
    p.connection.handle("m", () => null);
    expect(() => p.connection.handle("m", () => null)).toThrow(/already registered/);
  });

  it("delivers notifications with their raw message", async () => {
    const p = pair();
    open.push(p.connection);
    const seen: unknown[] = [];
    p.connection.onNotification((n) => seen.push(n));
    p.peer({ method: "turn/started", params: { threadId: "t" }, emittedAtMs: 5 });
    await tick();
    expect(seen).toEqual([
      {
        method: "turn/started",
        params: { threadId: "t" },
        raw: { method: "turn/started", params: { threadId: "t" }, emittedAtMs: 5 },
      },
    ]);
  });

  it("reports bad JSON and non-messages without dropping later messages", async () => {
    const p = pair();
    open.push(p.connection);
    const req = p.connection.request("x");
    await tick();
    p.peerRaw('garbage\n[1,2]\n{"neither":1}\n{"id":99,"result":1}\n{"id":0,"result":"fine"}\n');
    await expect(req).resolves.toBe("fine");
    const messages = p.errors.map((e) => e.message);
    expect(messages).toEqual([
      expect.stringContaining("not JSON"),
      expect.stringContaining("expected a JSON object, got an array"),
      expect.stringContaining("no method, result or error"),
      expect.stringContaining("unknown request id 99"),
    ]);
  });

  it("times out a request with REQUEST_TIMEOUT and ignores the late answer", async () => {
    const p = pair({ requestTimeoutMs: 20 });
    open.push(p.connection);
    const err = await p.connection.request("slow/one").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BridgeError);
    expect(err).toMatchObject({ code: "REQUEST_TIMEOUT", message: "slow/one got no response within 20 ms" });
    p.peer({ id: 0, result: "late" });
    await tick();
    expect(p.errors).toEqual([]);
  });

  it("rejects with ABORTED when the signal fires", async () => {
    const p = pair();
    open.push(p.connection);
    const controller = new AbortController();
    const req = p.connection.request("long", {}, { signal: controller.signal });
    controller.abort(new Error("user gave up"));
    await expect(req).rejects.toMatchObject({ code: "ABORTED" });
    expect(p.connection.pendingCount).toBe(0);
  });

  it("rejects every pending request with CONNECTION_CLOSED carrying the reason when the peer ends", async () => {
    const p = pair();
    const a = p.connection.request("a");
    const b = p.connection.request("b");
    p.endPeer();
    await expect(a).rejects.toMatchObject({
      code: "CONNECTION_CLOSED",
      message: expect.stringContaining("peer closed"),
    });
    await expect(b).rejects.toMatchObject({ code: "CONNECTION_CLOSED" });
    expect(p.connection.state).toBe("closed");
    expect(() => p.connection.request("after")).toThrow(/cannot send after/);
  });

  it("close(reason) rejects pending with that BridgeError and aborts in-flight handlers", async () => {
    const p = pair();
    let handlerSignal: AbortSignal | undefined;
    p.connection.handle("wait", (_params, ctx) => {
      handlerSignal = ctx.signal;
      return new Promise(() => {});
    });
    p.peer({ id: 0, method: "wait" });
    await tick();
    const pending = p.connection.request("x");
    const reason = new BridgeError("PROCESS_EXITED", "codex app-server exited (code 3)");
    p.connection.close(reason);
    await expect(pending).rejects.toBe(reason);
    expect(handlerSignal?.aborted).toBe(true);
    await expect(p.connection.closed).resolves.toBe(reason);
  });

  it("abandonIncoming aborts a handler and suppresses its response, error or result", async () => {
    const p = pair();
    open.push(p.connection);
    const signals: AbortSignal[] = [];
    p.connection.handle("wait", (params, ctx) => {
      signals.push(ctx.signal);
      return new Promise((resolve, reject) =>
        ctx.signal.addEventListener("abort", () =>
          (params as { fail: boolean }).fail ? reject(new Error("x")) : resolve("late"),
        ),
      );
    });
    p.peer({ id: 1, method: "wait", params: { fail: false } });
    p.peer({ id: 2, method: "wait", params: { fail: true } });
    await tick();
    expect(p.connection.abandonIncoming(1)).toBe(true);
    expect(p.connection.abandonIncoming(2, new Error("cancelled"))).toBe(true);
    expect(p.connection.abandonIncoming(3)).toBe(false);
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
    p.connection.handle("ping", () => ({}));
    p.peer({ id: 4, method: "ping" });
    await until(() => p.sent.length > 0);
    await tick();
    expect(p.sent).toEqual([{ id: 4, result: {} }]);
    expect(p.errors).toEqual([]);
  });

  it("drainOnInputEndMs: answers in-flight requests after the input ends, then closes", async () => {
    const p = pair({ drainOnInputEndMs: 10_000 });
    let finish!: (v: string) => void;
    p.connection.handle("slow", () => new Promise((resolve) => (finish = resolve)));
    p.peer({ id: 1, method: "slow" });
    await tick();
    p.endPeer();
    await tick();
    expect(p.connection.state).toBe("open");
    finish("done");
    await p.connection.closed;
    expect(p.sent).toEqual([{ id: 1, result: "done" }]);
  });

  it("follows the state machine new → open → closed", () => {
    const c = new JsonRpcConnection(new PassThrough(), new PassThrough());
    expect(c.state).toBe("new");
    expect(() => c.request("early")).toThrow(/not open yet/);
    c.open();
    expect(c.state).toBe("open");
    expect(() => c.open()).toThrow(/cannot open a connection that is open/);
    c.close();
    expect(c.state).toBe("closed");
  });

  it("serializes writes and waits for drain under backpressure", async () => {
    const chunks: string[] = [];
    let release: (() => void) | undefined;
    let writesInFlight = 0;
    let maxInFlight = 0;
    const slow = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _enc, cb) {
        writesInFlight++;
        maxInFlight = Math.max(maxInFlight, writesInFlight);
        chunks.push(chunk.toString());
        release = () => {
          writesInFlight--;
          cb();
        };
      },
    });
    const c = new JsonRpcConnection(new PassThrough(), slow).open();
    open.push(c);
    const big = "z".repeat(64);
    const sends = [c.notify("n/1", { big }), c.notify("n/2", { big }), c.notify("n/3", { big })];
    await tick();
    // The first write exceeded the high-water mark: later messages wait for drain.
    expect(chunks).toHaveLength(1);
    let settled = 0;
    for (const s of sends) void s.then(() => settled++);
    await tick();
    expect(settled).toBe(0);
    for (let i = 0; i < 20 && settled < 3; i++) {
      const r = release;
      release = undefined;
      r?.();
      await tick();
    }
    await Promise.all(sends);
    expect(chunks.map((l) => JSON.parse(l).method)).toEqual(["n/1", "n/2", "n/3"]);
    expect(maxInFlight).toBe(1);
  });
});
