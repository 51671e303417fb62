// RemoteRuntime against a small gateway peer written here (a real ws server
// on 127.0.0.1 speaking the wire of src/runtime/wire.ts): ready, ids,
// timeouts, error mapping, subscriptions and their cursor, reconnection,
// tokens, and the stdio and browser transports.
import type { IncomingMessage } from "node:http";
import { PassThrough } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { BridgeError } from "../../src/errors.js";
import { connect, RemoteRuntime, streamTransport } from "../../src/runtime/clientNode.js";
import type { RuntimeEvent } from "../../src/runtime/runtime.js";
import { browserWebSocketTransport, type WebSocketConstructor } from "../../src/runtime/transport.js";
import { GATEWAY_CLOSE, GATEWAY_ERRORS } from "../../src/runtime/wire.js";
import { waitFor } from "../harness/waitFor.js";

type Handler = (params: Record<string, unknown>, peer: Peer) => unknown;

const READY = {
  version: "9.9.9",
  codexVersion: "0.169.0",
  capabilities: {
    kind: "local",
    version: "9.9.9",
    codexVersion: "0.169.0",
    cancel: true,
    steer: true,
    resume: true,
    approvals: true,
    replay: true,
    board: false,
  },
};

class WireError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

interface Peer {
  socket: WebSocket;
  request: IncomingMessage;
  notify(method: string, params: unknown): void;
}

/** A gateway stand-in: per-method handlers; a handler may return a promise or throw a WireError. */
class FakeGateway {
  readonly server: WebSocketServer;
  readonly peers: Peer[] = [];
  readonly calls: Array<{ method: string; params: Record<string, unknown> }> = [];
  readonly handlers = new Map<string, Handler>();
  token: string | null = null;
  /** What it says in gateway.ready. */
  ready: object = READY;

  private constructor(server: WebSocketServer) {
    this.server = server;
    server.on("connection", (socket, request) => {
      const peer: Peer = {
        socket,
        request,
        notify: (method, params) => socket.send(JSON.stringify({ jsonrpc: "2.0", method, params })),
      };
      this.peers.push(peer);
      peer.notify("gateway.ready", this.ready);
      socket.on("message", (data) => void this.#handle(peer, JSON.parse(String(data)))); // eslint-disable-line @typescript-eslint/no-base-to-string
    });
  }

  static async start(token: string | null = null): Promise<FakeGateway> {
    const box: { gateway?: FakeGateway } = {};
    const server = new WebSocketServer({
      host: "127.0.0.1",
      port: 0,
      verifyClient: (info: { req: IncomingMessage }) => {
        const token = box.gateway?.token;
        if (!token) return true;
        const header = info.req.headers.authorization;
        const protocols = String(info.req.headers["sec-websocket-protocol"] ?? "");
        return header === `Bearer ${token}` || protocols.includes(`codex-bridge.token.${token}`);
      },
    });
    await new Promise((resolve) => server.once("listening", resolve));
    const gateway = new FakeGateway(server);
    gateway.token = token;
    box.gateway = gateway;
    return gateway;
  }

  get url(): string {
    const address = this.server.address();
    if (typeof address === "string" || address === null) throw new Error("no address");
    return `ws://127.0.0.1:${address.port}`;
  }

  on(method: string, handler: Handler): this {
    this.handlers.set(method, handler);
    return this;
  }

  async #handle(peer: Peer, message: { id: number; method: string; params: Record<string, unknown> }) {
    this.calls.push({ method: message.method, params: message.params });
    const handler = this.handlers.get(message.method);
    const reply = (body: object) => {
      if (peer.socket.readyState === WebSocket.OPEN)
        peer.socket.send(JSON.stringify({ id: message.id, ...body }));
    };
    if (!handler) return reply({ error: { code: -32601, message: `unknown method ${message.method}` } });
    try {
      reply({ result: (await handler(message.params, peer)) ?? {} });
    } catch (err) {
      if (err instanceof WireError)
        reply({ error: { code: err.code, message: err.message, data: err.data } });
      else reply({ error: { code: -32603, message: String(err) } });
    }
  }

  async close(): Promise<void> {
    for (const peer of this.peers) peer.socket.terminate();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function gateway(token: string | null = null): Promise<FakeGateway> {
  const g = await FakeGateway.start(token);
  cleanup.push(() => g.close());
  return g;
}

async function client(g: FakeGateway, options: Parameters<typeof connect>[1] = {}): Promise<RemoteRuntime> {
  const runtime = await connect(g.url, options);
  cleanup.push(() => runtime.close());
  return runtime;
}

function event(sessionId: string, seq: number): RuntimeEvent {
  return {
    sessionId,
    seq,
    at: seq,
    turnId: "t1",
    event: { type: "text.delta", itemId: "m", delta: `d${seq}` },
  };
}

describe("RemoteRuntime", () => {
  it("waits for gateway.ready and reports itself as a remote runtime", async () => {
    const g = await gateway();
    g.on("gateway.health", () => READY);
    const runtime = await client(g);
    expect(runtime.gateway.version).toBe("9.9.9");
    const caps = await runtime.capabilities();
    expect(caps.kind).toBe("remote");
    expect(caps.cancel).toBe(true);
    expect(caps.codexVersion).toBe("0.169.0");
  });

  it("matches answers to requests by id when the gateway answers out of order", async () => {
    const g = await gateway();
    let releaseFirst!: () => void;
    const first = new Promise<void>((r) => (releaseFirst = r));
    g.on("session.read", async (params) => {
      if (params.sessionId === "slow") await first;
      return { id: params.sessionId, transcript: [] };
    });
    const runtime = await client(g);
    const slow = runtime.readSession("slow");
    const fast = await runtime.readSession("fast");
    expect(fast.id).toBe("fast");
    releaseFirst();
    expect((await slow).id).toBe("slow");
  });

  it("maps the gateway's errors to BridgeErrors with their codes", async () => {
    const g = await gateway();
    g.on("session.read", () => {
      throw new WireError(GATEWAY_ERRORS.bridge, "no session s1", { code: "NOT_FOUND" });
    });
    g.on("turn.steer", () => {
      throw new WireError(GATEWAY_ERRORS.unsupported, "steer is not supported", { control: "steer" });
    });
    g.on("turn.start", () => {
      throw new WireError(-32602, "input: expected string", { field: "input" });
    });
    g.on("session.close", () => {
      throw new Error("handler crashed");
    });
    const runtime = await client(g);
    await expect(runtime.readSession("s1")).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "no session s1",
    });
    await expect(runtime.steerTurn("s1", "x")).rejects.toMatchObject({
      code: "UNSUPPORTED",
      details: { control: "steer" },
    });
    await expect(runtime.startTurn({ sessionId: "s1", input: "x" })).rejects.toMatchObject({
      code: "INVALID_OPTION",
      message: expect.stringContaining("input: expected string") as unknown,
    });
    await expect(runtime.closeSession("s1")).rejects.toMatchObject({ code: "PROTOCOL_ERROR" });
    // A method this gateway does not know: UNSUPPORTED naming it, never a silent empty answer.
    await expect(runtime.boardList()).rejects.toMatchObject({
      code: "UNSUPPORTED",
      details: { control: "board.list" },
    });
  });

  it("times a request out after requestTimeoutMs, and the connection stays usable", async () => {
    const g = await gateway();
    g.on("session.list", () => new Promise(() => undefined));
    g.on("session.read", (p) => ({ id: p.sessionId }));
    const runtime = await client(g, { requestTimeoutMs: 200 });
    await expect(runtime.listSessions()).rejects.toMatchObject({ code: "REQUEST_TIMEOUT" });
    expect((await runtime.readSession("a")).id).toBe("a");
  });

  it("delivers a subscription's events in order, from its cursor, including those sent before the answer", async () => {
    const g = await gateway();
    g.on("events.subscribe", (params, peer) => {
      // Replay goes out before the answer names the subscription.
      for (let seq = Number(params.after) + 1; seq <= 5; seq++) {
        peer.notify("event", { subscriptionId: "sub-1", event: event("s1", seq) });
      }
      // A duplicate must not be delivered twice.
      peer.notify("event", { subscriptionId: "sub-1", event: event("s1", 5) });
      return { subscriptionId: "sub-1" };
    });
    g.on("events.unsubscribe", () => ({}));
    const runtime = await client(g);
    const seen: number[] = [];
    const sub = await runtime.subscribe({ sessionId: "s1", after: 2 }, (e) => seen.push(e.seq));
    g.peers[0]?.notify("event", { subscriptionId: "sub-1", event: event("s1", 6) });
    await waitFor(() => seen.length === 4, "4 events");
    expect(seen).toEqual([3, 4, 5, 6]);
    expect(sub.lastSeq).toBe(6);
    await sub.close();
    expect(await sub.closed).toBeNull();
    await waitFor(() => g.calls.some((c) => c.method === "events.unsubscribe"), "unsubscribe");
    expect(g.calls.find((c) => c.method === "events.unsubscribe")?.params).toEqual({
      subscriptionId: "sub-1",
    });
    g.peers[0]?.notify("event", { subscriptionId: "sub-1", event: event("s1", 7) });
    await runtime.listSessions().catch(() => undefined); // a round trip: event 7 has arrived by now
    expect(seen).toEqual([3, 4, 5, 6]);
  });

  it("asks for batched events only from a gateway that lists events.batch; an events frame is delivered in order, once", async () => {
    const g = await gateway();
    g.on("events.subscribe", (params, peer) => {
      const batch = params.batch === true;
      const replay = [1, 2, 3, 3, 4].map((seq) => event("s1", seq));
      if (batch) peer.notify("events", { subscriptionId: "sub-1", events: replay });
      else for (const e of replay) peer.notify("event", { subscriptionId: "sub-1", event: e });
      return { subscriptionId: "sub-1" };
    });
    const plain = await client(g);
    const seenPlain: number[] = [];
    await plain.subscribe({ sessionId: "s1" }, (e) => seenPlain.push(e.seq));
    expect(g.calls.at(-1)?.params).toEqual({ sessionId: "s1", after: 0 });
    expect(plain.gateway.features).toEqual([]);

    g.ready = { ...READY, features: ["events.batch", "something.else"] };
    const batched = await client(g);
    expect(batched.gateway.features).toContain("events.batch");
    const seen: number[] = [];
    await batched.subscribe({ sessionId: "s1", after: 0 }, (e) => seen.push(e.seq));
    expect(g.calls.at(-1)?.params).toEqual({ sessionId: "s1", after: 0, batch: true });
    g.peers[1]?.notify("events", {
      subscriptionId: "sub-1",
      events: [event("s1", 5), { junk: true }, event("s1", 6)],
    });
    await waitFor(() => seen.length === 6, "6 events");
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    await waitFor(() => seenPlain.length === 4, "4 plain events");
    expect(seenPlain).toEqual([1, 2, 3, 4]);
  });

  it("without reconnect, a dropped connection ends subscriptions and pending requests with the error", async () => {
    const g = await gateway();
    g.on("events.subscribe", () => ({ subscriptionId: 7 }));
    g.on("turn.cancel", () => new Promise(() => undefined));
    const runtime = await client(g);
    const sub = await runtime.subscribe({ sessionId: "s1" }, () => undefined);
    const cancel = runtime.cancelTurn("s1");
    await waitFor(() => g.calls.some((c) => c.method === "turn.cancel"), "cancel sent");
    g.peers[0]?.socket.terminate();
    const error = await sub.closed;
    expect(error).toBeInstanceOf(BridgeError);
    expect((error as BridgeError).code).toBe("CONNECTION_CLOSED");
    await expect(cancel).rejects.toMatchObject({ code: "CONNECTION_CLOSED" });
    await expect(runtime.listSessions()).rejects.toMatchObject({ code: "CONNECTION_CLOSED" });
  });

  it("the server ending a subscription resolves closed: null for a closed session, else its error", async () => {
    const g = await gateway();
    let n = 0;
    g.on("events.subscribe", () => ({ subscriptionId: `x${++n}` }));
    const runtime = await client(g);
    const a = await runtime.subscribe({ sessionId: "s1" }, () => undefined);
    const b = await runtime.subscribe({ sessionId: "s1" }, () => undefined);
    g.peers[0]?.notify("subscription.closed", { subscriptionId: "x1", reason: "the session was closed" });
    g.peers[0]?.notify("subscription.closed", {
      subscriptionId: "x2",
      reason: "disk full",
      error: { code: "STORE_FAILED", message: "disk full" },
    });
    expect(await a.closed).toBeNull();
    expect(await b.closed).toMatchObject({
      code: "STORE_FAILED",
      message: expect.stringContaining("disk full") as unknown,
    });
  });

  it("reconnects with backoff and resumes each subscription after its last seq: every event once, in order", async () => {
    const g = await gateway();
    const total = 300;
    let connections = 0;
    g.on("events.subscribe", (params, peer) => {
      connections++;
      const after = Number(params.after);
      const id = `sub-${connections}`;
      setImmediate(() => {
        for (let seq = after + 1; seq <= total; seq++) {
          if (peer.socket.readyState !== WebSocket.OPEN) return;
          peer.notify("event", { subscriptionId: id, event: event("s1", seq) });
          // The first connection dies mid-stream.
          if (connections === 1 && seq === 120) return void peer.socket.terminate();
          // The second is closed as a slow consumer would be.
          if (connections === 2 && seq === 200)
            return void peer.socket.close(GATEWAY_CLOSE.slowConsumer, "slow");
        }
      });
      return { subscriptionId: id };
    });
    g.on("turn.wait", async (_params, peer) => {
      // Answered only on the third connection: the request must survive two drops.
      if (g.peers.indexOf(peer) < 2) return new Promise(() => undefined);
      return { status: "completed", finalText: "ok" };
    });
    const states: string[] = [];
    const runtime = await client(g, {
      reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
      onConnectionState: (s) => states.push(s),
      onReconnectAttempt: ({ attempt, maxAttempts }) => states.push(`attempt ${attempt}/${maxAttempts}`),
    });
    const seen: number[] = [];
    const sub = await runtime.subscribe({ sessionId: "s1" }, (e) => seen.push(e.seq));
    const result = runtime.waitTurn("s1");
    await waitFor(() => seen.length === total, `${total} events`);
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect((await result).finalText).toBe("ok");
    expect(g.calls.filter((c) => c.method === "events.subscribe").map((c) => c.params.after)).toEqual([
      0, 120, 200,
    ]);
    expect(states).toEqual([
      "reconnecting",
      "attempt 1/20",
      "connected",
      "reconnecting",
      "attempt 1/20",
      "connected",
    ]);
    expect(sub.lastSeq).toBe(total);
  });

  it("reports each reconnection attempt, then gives up with the last error once maxAttempts are spent", async () => {
    const g = await gateway();
    const states: string[] = [];
    const errors: Array<string | undefined> = [];
    const runtime = await client(g, {
      reconnect: { initialDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 },
      onConnectionState: (s, error) => {
        states.push(s);
        errors.push(error?.message);
      },
      onReconnectAttempt: ({ attempt, maxAttempts }, lastError) => {
        states.push(`attempt ${attempt}/${maxAttempts}`);
        errors.push(lastError.message);
      },
    });
    await g.close(); // nothing listens any more
    await waitFor(() => states.includes("closed"), "the runtime to give up");
    expect(states).toEqual(["reconnecting", "attempt 1/3", "attempt 2/3", "attempt 3/3", "closed"]);
    // Each attempt after the first names why the previous one failed; the end names the attempts.
    expect(errors[2]).toMatch(/ECONNREFUSED|connect/i);
    expect(errors.at(-1)).toContain("gave up reconnecting to the gateway after 3 attempts");
    expect(runtime.connected).toBe(false);
  });

  it("sends the token as a bearer header; a refused token fails at once and is not retried", async () => {
    const g = await gateway("s3cret");
    g.on("session.list", () => ({ sessions: [] }));
    const runtime = await client(g, { token: "s3cret" });
    expect(await runtime.listSessions()).toEqual([]);
    expect(g.peers[0]?.request.headers.authorization).toBe("Bearer s3cret");
    await expect(connect(g.url, { token: "wrong", reconnect: true })).rejects.toMatchObject({
      code: "AUTH_REQUIRED",
    });
    await expect(connect(g.url)).rejects.toMatchObject({ code: "AUTH_REQUIRED" });
  });

  it("the browser transport carries the token as a subprotocol", async () => {
    const g = await gateway("tok-123");
    g.on("session.list", () => ({ sessions: [{ id: "a" }] }));
    // ws's WebSocket has the browser's shape (constructor(url, protocols), addEventListener).
    const runtime = await RemoteRuntime.connect({
      transport: browserWebSocketTransport(g.url, {
        token: "tok-123",
        WebSocket: WebSocket as unknown as WebSocketConstructor,
      }),
    });
    cleanup.push(() => runtime.close());
    expect((await runtime.listSessions()).map((s) => s.id)).toEqual(["a"]);
    expect(String(g.peers[0]?.request.headers["sec-websocket-protocol"]).split(/, */)).toEqual([
      "codex-bridge",
      "codex-bridge.token.tok-123",
    ]);
    expect(() => browserWebSocketTransport(g.url, { token: "has space", WebSocket: WebSocket })).toThrow(
      /letters, digits/,
    );
  });

  it("speaks newline-delimited JSON over a pair of streams, skipping a line that is not JSON", async () => {
    const toClient = new PassThrough();
    const toServer = new PassThrough();
    let buffered = "";
    toServer.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const message = JSON.parse(buffered.slice(0, nl)) as { id: number; method: string };
        buffered = buffered.slice(nl + 1);
        if (message.method !== "session.list") continue; // the subscribe stays unanswered
        toClient.write("this is not json\n");
        toClient.write(
          `${JSON.stringify({ id: message.id, result: { sessions: [{ id: message.method }] } })}\n`,
        );
      }
    });
    toClient.write(`${JSON.stringify({ method: "gateway.ready", params: READY })}\n`);
    const runtime = await RemoteRuntime.connect({ transport: streamTransport(toClient, toServer) });
    expect((await runtime.listSessions()).map((s) => s.id)).toEqual(["session.list"]);
    const sub = runtime.subscribe({ sessionId: "s" }, () => undefined).catch((e: unknown) => e);
    toClient.end();
    expect(await sub).toMatchObject({ code: "CONNECTION_CLOSED" });
    await runtime.close();
  });

  it("fails to connect with a message naming the url when nothing listens", async () => {
    const g = await gateway();
    const url = g.url;
    await g.close();
    cleanup.pop();
    await expect(connect(url)).rejects.toMatchObject({
      code: "CONNECTION_CLOSED",
      message: expect.stringContaining(url) as unknown,
    });
  });
});
