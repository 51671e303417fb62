// Reattach: a client that loses its connection in the middle of a turn of
// 2,000 events (killed, or disconnected by the gateway as a slow consumer)
// reconnects with its cursor and receives every event exactly once, in order.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CodexBridge } from "../../src/codex/bridge.js";
import { GatewayServer } from "../../src/gateway/server.js";
import { type GatewayListener, listenWebSocket } from "../../src/gateway/ws.js";
import { LocalRuntime } from "../../src/runtime/local.js";
import type { RuntimeEvent } from "../../src/runtime/runtime.js";
import { GATEWAY_CLOSE } from "../../src/runtime/wire.js";
import {
  createMockCodexHome,
  type MockCodexHome,
  type MockResponsesServer,
  startMockResponses,
} from "../../src/testing/index.js";
import { contractScript } from "../contract/runtime.js";
import { connectGateway, type TestClient, type WireMessage } from "../harness/gatewayClient.js";

const eventsOf = (c: TestClient, subscriptionId: string): RuntimeEvent[] =>
  c.messages
    .filter((m: WireMessage) => m.method === "event" && m.params?.subscriptionId === subscriptionId)
    .map((m) => m.params?.event as RuntimeEvent);

/** A message predicate: an event of the subscription that matches (checks one message, not the list). */
const isEvent =
  (subscriptionId: string, pred: (e: RuntimeEvent) => boolean) =>
  (m: WireMessage): boolean =>
    m.method === "event" &&
    m.params?.subscriptionId === subscriptionId &&
    pred(m.params.event as RuntimeEvent);

describe("reattach from a cursor", () => {
  let mock: MockResponsesServer;
  let home: MockCodexHome;
  let dir: string;
  let bridge: CodexBridge;
  let runtime: LocalRuntime;
  let roomy: GatewayServer;
  let tight: GatewayServer;
  let roomyAt: GatewayListener;
  let tightAt: GatewayListener;

  beforeAll(async () => {
    mock = await startMockResponses(contractScript);
    home = await createMockCodexHome({ providerUrl: mock.url });
    dir = await mkdtemp(join(tmpdir(), "codex-bridge-reattach-"));
    bridge = new CodexBridge({ codexHome: home.path, cwd: dir, store: join(dir, "bridge.db") });
    runtime = new LocalRuntime({ bridge });
    roomy = new GatewayServer({ runtime });
    // A send bound small enough that a client that stops reading passes it.
    tight = new GatewayServer({ runtime, maxBufferedBytes: 64 * 1024 });
    roomyAt = await listenWebSocket(roomy);
    tightAt = await listenWebSocket(tight);
  });

  afterAll(async () => {
    await roomyAt?.close();
    await tightAt?.close();
    await roomy?.close();
    await tight?.close();
    await bridge?.close();
    await mock?.close();
    await home?.remove();
    await rm(dir, { recursive: true, force: true });
  });

  it("a client killed mid-stream of a 2,000-event turn reconnects with its cursor: every event once, in order", async () => {
    const c1 = await connectGateway(roomyAt.url);
    const sessionId = String((await c1.call("session.start", { cwd: dir })).result?.id);
    const sub1 = String((await c1.call("events.subscribe", { sessionId })).result?.subscriptionId);
    const turn = await c1.call("turn.start", { sessionId, input: "many:2000" });
    const turnId = String(turn.result?.turnId);
    await c1.until(isEvent(sub1, (e) => e.seq >= 300));
    c1.ws.terminate();
    await c1.closed;
    const before = eventsOf(c1, sub1);
    const cursor = before.at(-1)?.seq ?? 0;
    expect(before.some((e) => e.event.type === "turn.completed")).toBe(false);

    const c2 = await connectGateway(roomyAt.url);
    const sub2 = String(
      (await c2.call("events.subscribe", { sessionId, after: cursor })).result?.subscriptionId,
    );
    await c2.until(isEvent(sub2, (e) => e.event.type === "turn.completed"));
    const all = [...before, ...eventsOf(c2, sub2)];
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    const deltas = all.filter((e) => e.turnId === turnId && e.event.type === "text.delta");
    expect(deltas).toHaveLength(2000);
    expect(all.at(-1)?.seq).toBe((await runtime.readSession(sessionId)).lastSeq);
    await c2.close();
  });

  it("a slow consumer is disconnected with 4008 and a reason, and loses nothing when it reattaches", async () => {
    const setup = await connectGateway(roomyAt.url);
    const sessionId = String((await setup.call("session.start", { cwd: dir })).result?.id);
    const first = await setup.call("turn.start", { sessionId, input: "many:2000" });
    await setup.call("turn.wait", { sessionId, turnId: first.result?.turnId });
    await setup.close();

    const slow = await connectGateway(tightAt.url);
    const sub = String((await slow.call("events.subscribe", { sessionId })).result?.subscriptionId);
    // Stop reading and ask for more replays than the socket and the bound can hold.
    slow.ws.pause();
    for (let i = 0; i < 12; i++) {
      slow.ws.send(JSON.stringify({ id: `more-${i}`, method: "events.subscribe", params: { sessionId } }));
    }
    await new Promise((r) => setTimeout(r, 500));
    slow.ws.resume();
    const { code, reason } = await slow.closed;
    expect(code).toBe(GATEWAY_CLOSE.slowConsumer);
    expect(reason).toMatch(/slow consumer.*reattach from your cursor/);
    const got = eventsOf(slow, sub);
    expect(got.map((e) => e.seq)).toEqual(got.map((_, i) => i + 1));
    const cursor = got.at(-1)?.seq ?? 0;

    // Reattach from the cursor while a new turn runs.
    const again = await connectGateway(tightAt.url);
    const sub2 = String(
      (await again.call("events.subscribe", { sessionId, after: cursor })).result?.subscriptionId,
    );
    const next = await again.call("turn.start", { sessionId, input: "many:50" });
    await again.until(
      isEvent(sub2, (e) => e.event.type === "turn.completed" && e.turnId === next.result?.turnId),
    );
    const all = [...got, ...eventsOf(again, sub2)];
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.at(-1)?.seq).toBe((await runtime.readSession(sessionId)).lastSeq);
    await again.close();
  });
});
