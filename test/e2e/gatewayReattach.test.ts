// Reattach on the real codex binary: a RemoteRuntime (reconnect on) follows a
// turn that emits 2,000+ events through an in-process gateway. Its
// connection is cut in the middle (a TCP proxy between client and gateway
// drops both sides), and, on a gateway with a tiny send-buffer bound, the
// gateway itself disconnects it as a slow consumer, over and over. Each
// time the client reconnects and resubscribes after the last seq it
// delivered: every event arrives exactly once, in order.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CodexBridge } from "../../src/codex/bridge.js";
import type { BridgeError } from "../../src/errors.js";
import { GatewayServer } from "../../src/gateway/server.js";
import { type GatewayListener, listenWebSocket } from "../../src/gateway/ws.js";
import { connect, type RemoteRuntime } from "../../src/runtime/clientNode.js";
import { LocalRuntime } from "../../src/runtime/local.js";
import type { RuntimeEvent } from "../../src/runtime/runtime.js";
import {
  createMockCodexHome,
  item,
  type MockCodexHome,
  type MockRequest,
  type MockResponsesServer,
  respond,
  startMockResponses,
} from "../../src/testing/index.js";
import { contractScript } from "../contract/runtime.js";

const DELTAS = 2000;
const BIG_DELTA = 3000;

function lastUserText(request: MockRequest): string {
  const input = request.body.input ?? [];
  for (let i = input.length - 1; i >= 0; i--) {
    const entry = input[i] as { type?: string; role?: string; content?: unknown };
    if (entry.type !== "message" || entry.role !== "user") continue;
    const content = entry.content;
    if (typeof content === "string") return content;
    if (Array.isArray(content))
      return content.map((c: { text?: unknown }) => (typeof c.text === "string" ? c.text : "")).join("");
  }
  return "";
}

interface Proxy {
  url: string;
  connections(): number;
  /** Drops every connection (both sides). */
  cut(): void;
  /** Stops reading from the gateway on the open connections (new ones are not paused): the client looks slow. */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

/** A TCP proxy in front of the gateway whose connections the test can cut or stall. */
async function startProxy(port: number): Promise<Proxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let connections = 0;
  const server: Server = createServer((client) => {
    connections++;
    const upstream = tcpConnect(port, "127.0.0.1");
    const pair = { client, upstream };
    pairs.add(pair);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    for (const s of [client, upstream]) {
      s.on("error", drop);
      s.on("close", drop);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no port");
  const paused = new Set<{ client: Socket; upstream: Socket }>();
  const cut = () => {
    for (const { client, upstream } of [...pairs]) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  return {
    url: `ws://127.0.0.1:${address.port}`,
    connections: () => connections,
    cut,
    pause() {
      for (const pair of pairs) {
        pair.upstream.unpipe(pair.client);
        pair.upstream.pause();
        paused.add(pair);
      }
    },
    resume() {
      for (const pair of paused) {
        pair.upstream.pipe(pair.client);
        pair.upstream.resume();
      }
      paused.clear();
    },
    async close() {
      cut();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Collects a subscription's events; `until` resolves at the first that matches. */
function collector() {
  const events: RuntimeEvent[] = [];
  const waiters = new Set<() => void>();
  const onEvent = (e: RuntimeEvent) => {
    events.push(e);
    for (const w of [...waiters]) w();
  };
  const until = (pred: (e: RuntimeEvent) => boolean, timeoutMs = 150_000) =>
    new Promise<RuntimeEvent>((resolve, reject) => {
      const check = () => {
        const hit = events.find(pred);
        if (!hit) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no matching event within ${timeoutMs} ms (${events.length} events so far)`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { events, onEvent, until };
}

function expectEveryEventOnceInOrder(events: RuntimeEvent[], lastSeq: number): void {
  const seqs = events.map((e) => e.seq);
  // Compared as a count and a first mismatch, not as 4,000-element arrays in a failure message.
  const firstWrong = seqs.findIndex((seq, i) => seq !== i + 1);
  expect(firstWrong, `seq at index ${firstWrong}: ${seqs[firstWrong]}`).toBe(-1);
  expect(seqs.length).toBe(lastSeq);
}

function deltasOf(events: RuntimeEvent[], turnId: string | null): string {
  return events
    .filter((e) => e.turnId === turnId && e.event.type === "text.delta")
    .map((e) => (e.event as { delta: string }).delta)
    .join("");
}

describe("reattach through the gateway", () => {
  let mock: MockResponsesServer;
  let home: MockCodexHome;
  let dir: string;
  let bridge: CodexBridge;
  let gateway: GatewayServer;
  let listener: GatewayListener;
  const closers: Array<() => Promise<unknown>> = [];

  async function startGateway(maxBufferedBytes?: number): Promise<void> {
    bridge = new CodexBridge({ codexHome: home.path, cwd: dir, store: join(dir, "bridge.db") });
    gateway = new GatewayServer({
      runtime: new LocalRuntime({ bridge }),
      ...(maxBufferedBytes ? { maxBufferedBytes } : {}),
    });
    listener = await listenWebSocket(gateway);
  }

  beforeEach(async () => {
    mock = await startMockResponses((request) =>
      // "big": 2,000 deltas of 3,000 characters (6 MB): more than loopback's socket buffers (~4 MB) hold.
      lastUserText(request).startsWith("big")
        ? respond([item.message("y".repeat(DELTAS * BIG_DELTA), { deltas: DELTAS })])
        : contractScript(request),
    );
    home = await createMockCodexHome({ providerUrl: mock.url });
    dir = await mkdtemp(join(tmpdir(), "codex-bridge-reattach-"));
  });

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await listener?.close();
    await gateway?.close();
    await bridge?.close();
    await mock?.close();
    await home?.remove();
    await rm(dir, { recursive: true, force: true });
  });

  async function client(url: string, errors: BridgeError[]): Promise<RemoteRuntime> {
    const runtime = await connect(url, {
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
      onConnectionState: (state, error) => {
        if (state === "reconnecting" && error) errors.push(error as BridgeError);
      },
    });
    closers.push(() => runtime.close());
    return runtime;
  }

  it(`a client cut off in the middle of a ${DELTAS}-delta turn reconnects and gets every event once, in order`, async () => {
    await startGateway();
    const proxy = await startProxy(listener.port);
    closers.push(() => proxy.close());
    const errors: BridgeError[] = [];
    const runtime = await client(proxy.url, errors);
    const session = await runtime.startSession({ cwd: dir });
    const seen = collector();
    let cutAt = 0;
    let cuts = 0;
    const sub = await runtime.subscribe({ sessionId: session.id }, (e) => {
      seen.onEvent(e);
      // Mid-stream, twice: at the first delta, and at the first event the reconnected stream
      // brings. The journal coalesces deltas, so how many events a turn gives depends on load:
      // the cuts follow the stream, not a count.
      const cutNow = (cuts === 0 && e.event.type === "text.delta") || (cuts === 1 && errors.length === 1);
      if (cutNow) {
        cuts++;
        cutAt = e.seq;
        proxy.cut();
      }
    });
    const turn = await runtime.startTurn({ sessionId: session.id, input: `many:${DELTAS}` });
    const completed = await seen.until((e) => e.event.type === "turn.completed" && e.turnId === turn.turnId);
    expect(completed.seq).toBeGreaterThan(cutAt);
    // The second cut may land after the last event was already read: its drop is reported a moment later.
    const deadline = Date.now() + 60_000;
    while (errors.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors.every((e) => e.code === "CONNECTION_CLOSED")).toBe(true);
    // Read on the connection made after the second cut.
    const { lastSeq } = await runtime.readSession(session.id);
    expect(proxy.connections()).toBeGreaterThanOrEqual(3);
    // The journal coalesces the deltas (fewer entries than deltas); the text must be whole.
    expect(lastSeq).toBeGreaterThan(cutAt);
    expectEveryEventOnceInOrder(seen.events, lastSeq);
    expect(deltasOf(seen.events, turn.turnId)).toBe("x".repeat(DELTAS));
    expect(sub.lastSeq).toBe(lastSeq);
    expect(await runtime.waitTurn(session.id, turn.turnId)).toMatchObject({ status: "completed" });
  });

  it("a client disconnected as a slow consumer (tiny send-buffer bound) reattaches from its cursor, losing nothing", async () => {
    await startGateway(32 * 1024);
    const proxy = await startProxy(listener.port);
    closers.push(() => proxy.close());
    // A driver (no subscription: little traffic) runs the turns; the follower only follows.
    const driver = await client(listener.url, []);
    const errors: BridgeError[] = [];
    const runtime = await client(proxy.url, errors);
    const session = await driver.startSession({ cwd: dir });
    // A 6 MB turn in the journal: more than the kernel buffers between gateway and client hold.
    const big = await driver.startTurn({ sessionId: session.id, input: "big turn" });
    expect(await driver.waitTurn(session.id, big.turnId)).toMatchObject({ status: "completed" });
    // The client stops reading while the gateway replays: its send buffer passes the bound.
    proxy.pause();
    const seen = collector();
    const subscribed = runtime.subscribe({ sessionId: session.id }, seen.onEvent);
    const deadline = Date.now() + 120_000;
    while (gateway.clientCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(gateway.clientCount, "the gateway never disconnected the slow client").toBe(0);
    proxy.resume();
    await subscribed;
    // Then a third turn, followed live.
    const live = await driver.startTurn({ sessionId: session.id, input: `many:${DELTAS}` });
    await seen.until((e) => e.event.type === "turn.completed" && e.turnId === live.turnId);
    expect(errors.some((e) => e.code === "SERVER_OVERLOADED" && e.details.closeCode === 4008)).toBe(true);
    const { lastSeq } = await driver.readSession(session.id);
    expectEveryEventOnceInOrder(seen.events, lastSeq);
    expect(deltasOf(seen.events, big.turnId)).toBe("y".repeat(DELTAS * BIG_DELTA));
    expect(deltasOf(seen.events, live.turnId)).toBe("x".repeat(DELTAS));
  });
});
