// The gateway over WebSocket, in process, on a LocalRuntime over the real
// codex binary and the scripted model: bad input of every kind gets its
// JSON-RPC error and the connection (or the server) lives on; auth, Origin
// and Host refusals happen before the upgrade; the console is served with a
// strict CSP.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CodexBridge } from "../../src/codex/bridge.js";
import { GatewayServer } from "../../src/gateway/server.js";
import { type GatewayListener, listenWebSocket } from "../../src/gateway/ws.js";
import { LocalRuntime } from "../../src/runtime/local.js";
import { GATEWAY_ERRORS } from "../../src/runtime/wire.js";
import {
  createMockCodexHome,
  type MockCodexHome,
  startMockResponses,
  type MockResponsesServer,
} from "../../src/testing/index.js";
import { contractScript } from "../contract/runtime.js";
import { connectGateway, upgradeStatus } from "../harness/gatewayClient.js";

const TOKEN = "test-token-0123456789abcdef";

describe("the gateway over WebSocket", () => {
  let mock: MockResponsesServer;
  let home: MockCodexHome;
  let dir: string;
  let bridge: CodexBridge;
  let gateway: GatewayServer;
  let open: GatewayListener;
  let guarded: GatewayListener;
  const logs: string[] = [];

  beforeAll(async () => {
    mock = await startMockResponses(contractScript);
    home = await createMockCodexHome({ providerUrl: mock.url });
    dir = await mkdtemp(join(tmpdir(), "codex-bridge-gw-"));
    await mkdir(join(dir, "console"));
    await writeFile(join(dir, "console", "index.html"), "<!doctype html><title>console</title>");
    await writeFile(join(dir, "secret.txt"), "outside the console");
    bridge = new CodexBridge({ codexHome: home.path, cwd: dir, store: join(dir, "bridge.db") });
    gateway = new GatewayServer({ runtime: new LocalRuntime({ bridge }), log: (l) => logs.push(l) });
    open = await listenWebSocket(gateway, { staticDir: join(dir, "console") });
    guarded = await listenWebSocket(gateway, { token: TOKEN, allowOrigins: ["https://ui.example"] });
  });

  afterAll(async () => {
    await open?.close();
    await guarded?.close();
    await gateway?.close();
    await bridge?.close();
    await mock?.close();
    await home?.remove();
    await rm(dir, { recursive: true, force: true });
  });

  it("sends gateway.ready on accept and answers gateway.health", async () => {
    const c = await connectGateway(open.url);
    const ready = await c.until((m) => m.method === "gateway.ready");
    expect(ready.params).toMatchObject({
      codexVersion: "0.169.0",
      capabilities: { kind: "local", cancel: true },
      features: ["events.batch"],
    });
    const health = await c.call("gateway.health");
    expect(health.result).toMatchObject({ version: ready.params?.version });
    await c.close();
  });

  it("bad input: each gets its error and the connection lives on", async () => {
    const c = await connectGateway(open.url);
    const errorAfter = async (n: number) =>
      c.until((m, i = c.messages.indexOf(m)) => i >= n && m.error !== undefined);

    let n = c.messages.length;
    c.send("{ this is not json");
    expect((await errorAfter(n)).error).toMatchObject({ code: -32700 });

    n = c.messages.length;
    c.send(Buffer.from([1, 2, 3]), true);
    const binary = await errorAfter(n);
    expect(binary.error?.code).toBe(-32600);
    expect(binary.error?.message).toMatch(/binary/);

    n = c.messages.length;
    c.send(JSON.stringify({ id: "no-method", params: {} }));
    expect((await errorAfter(n)).error).toMatchObject({ code: -32600 });

    n = c.messages.length;
    c.send("[1, 2]");
    expect((await errorAfter(n)).error?.code).toBe(-32600);

    const unknown = await c.call("session.explode", {});
    expect(unknown.error).toMatchObject({ code: -32601 });
    expect(unknown.error?.message).toContain("session.explode");

    const wrongType = await c.call("session.read", { sessionId: 42 });
    expect(wrongType.error?.code).toBe(-32602);
    expect(wrongType.error?.message).toContain("sessionId");
    expect(wrongType.error?.data).toEqual({ fields: ["sessionId"] });

    const extra = await c.call("turn.start", { sessionId: "s", input: "x", inptu: "typo" });
    expect(extra.error?.code).toBe(-32602);
    expect(extra.error?.message).toContain("inptu");

    const missing = await c.call("session.read", { sessionId: "no-such-session" });
    expect(missing.error).toMatchObject({ code: GATEWAY_ERRORS.bridge, data: { code: "NOT_FOUND" } });

    const resolved = await c.call("approval.respond", {
      approvalId: "nope",
      decision: { decision: "accept" },
    });
    expect(resolved.error).toMatchObject({ code: GATEWAY_ERRORS.bridge, data: { code: "NOT_FOUND" } });

    const board = await c.call("board.list", {});
    expect(board.error).toMatchObject({
      code: GATEWAY_ERRORS.unsupported,
      data: { code: "UNSUPPORTED", control: "board.list" },
    });

    // Still alive after all of it.
    expect((await c.call("session.list", {})).result).toMatchObject({ sessions: expect.any(Array) });
    await c.close();
  });

  it("an oversized message gets an error; a frame far past the bound closes that connection; the server lives on", async () => {
    const c = await connectGateway(open.url);
    c.send(JSON.stringify({ id: "big", method: "gateway.health", params: { pad: "x".repeat(1_100_000) } }));
    // Not parsed, so answered with id null.
    const big = await c.until((m) => m.error !== undefined);
    expect(big).toMatchObject({ id: null, error: { code: -32600 } });
    expect(big.error?.message).toMatch(/larger than 1048576 bytes/);
    expect((await c.call("gateway.health")).result).toBeDefined();
    c.send(JSON.stringify({ id: "huge", method: "gateway.health", params: { pad: "x".repeat(2_200_000) } }));
    expect((await c.closed).code).toBe(1009);
    const again = await connectGateway(open.url);
    expect((await again.call("gateway.health")).result).toBeDefined();
    await again.close();
  });

  it("a session over the wire: start, subscribe, turn, events with session id and seq, wait", async () => {
    const c = await connectGateway(open.url);
    const started = await c.call("session.start", { cwd: dir });
    const sessionId = String(started.result?.id);
    const sub = await c.call("events.subscribe", { sessionId });
    const subscriptionId = String(sub.result?.subscriptionId);
    const turn = await c.call("turn.start", { sessionId, input: "hello wire" });
    expect(turn.result).toMatchObject({ sessionId, afterSeq: 0 });
    const done = await c.call("turn.wait", { sessionId, turnId: turn.result?.turnId });
    expect(done.result).toMatchObject({ status: "completed", finalText: "hi from mock" });
    await c.until(
      (m) =>
        m.method === "event" &&
        (m.params?.event as { event: { type: string } }).event.type === "turn.completed",
    );
    const events = c.messages.filter((m) => m.method === "event").map((m) => m.params);
    expect(events.every((p) => p?.subscriptionId === subscriptionId)).toBe(true);
    const seqs = events.map((p) => (p?.event as { seq: number; sessionId: string }).seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(events.every((p) => (p?.event as { sessionId: string }).sessionId === sessionId)).toBe(true);
    expect((await c.call("events.unsubscribe", { subscriptionId })).result).toEqual({});
    expect((await c.call("events.unsubscribe", { subscriptionId })).error?.data).toMatchObject({
      code: "NOT_FOUND",
    });
    await c.close();
  });

  it("events.subscribe with batch: the same events in order, several to an events frame; replay and live alike", async () => {
    const c = await connectGateway(open.url);
    const started = await c.call("session.start", { cwd: dir });
    const sessionId = String(started.result?.id);
    const turn = await c.call("turn.start", { sessionId, input: "hello batch" });
    await c.call("turn.wait", { sessionId, turnId: turn.result?.turnId });
    // A long journal to replay: 600 more entries after the turn's.
    for (let i = 0; i < 600; i++) {
      bridge.store?.appendEvent(sessionId, null, "warning", { type: "warning", message: `note ${i}` });
    }
    type Frame = {
      subscriptionId: string;
      events?: Array<{ seq: number; event: { type: string; message?: string } }>;
    };
    const framesOf = (subscriptionId: unknown) =>
      c.messages.flatMap((m) =>
        (m.method === "events" || m.method === "event") &&
        (m.params as Frame).subscriptionId === subscriptionId
          ? [m]
          : [],
      );
    const isEnd = (e: { event: { type: string } }) => e.event.type === "turn.completed";
    const isLast = (e: { event: { type: string; message?: string } }) => e.event.message === "note 599";
    // The replay of the finished turn and the notes, batched and not.
    const plain = await c.call("events.subscribe", { sessionId });
    const batched = await c.call("events.subscribe", { sessionId, batch: true });
    await c.until(
      (m) =>
        m.method === "events" &&
        (m.params as Frame).subscriptionId === batched.result?.subscriptionId &&
        ((m.params as Frame).events ?? []).some(isLast),
    );
    await c.until(
      (m) => m.method === "event" && isLast((m.params as { event: { event: { type: string } } }).event),
    );
    const plainFrames = framesOf(plain.result?.subscriptionId);
    const batchFrames = framesOf(batched.result?.subscriptionId);
    expect(plainFrames.every((m) => m.method === "event")).toBe(true);
    expect(batchFrames.every((m) => m.method === "events")).toBe(true);
    const plainSeqs = plainFrames.map((m) => (m.params?.event as { seq: number }).seq);
    const batchSeqs = batchFrames.flatMap((m) => ((m.params as Frame).events ?? []).map((e) => e.seq));
    expect(plainSeqs.length).toBeGreaterThan(600);
    expect(batchSeqs).toEqual(plainSeqs);
    expect(batchFrames.length).toBeLessThan(plainFrames.length / 10);
    expect(batchFrames.every((m) => ((m.params as Frame).events ?? []).length <= 256)).toBe(true);
    // Live: a second turn reaches the batched subscription in order, after the replay, nothing twice.
    const next = await c.call("turn.start", { sessionId, input: "slow live turn" });
    await c.call("turn.wait", { sessionId, turnId: next.result?.turnId });
    await c.until(
      (m) =>
        m.method === "events" &&
        (m.params as Frame).subscriptionId === batched.result?.subscriptionId &&
        ((m.params as Frame).events ?? []).some((e) => isEnd(e) && e.seq > (batchSeqs.at(-1) ?? 0)),
    );
    const all = framesOf(batched.result?.subscriptionId).flatMap((m) =>
      ((m.params as Frame).events ?? []).map((e) => e.seq),
    );
    expect(all).toEqual(all.map((_, i) => i + 1));
    await c.close();
  });

  it("a token is required when set: none or a wrong one is refused with 401 before the upgrade", async () => {
    expect(await upgradeStatus(guarded.url)).toBe(401);
    expect(
      await upgradeStatus(guarded.url, { headers: { authorization: "Bearer wrong-token-0123456789" } }),
    ).toBe(401);
    expect(await upgradeStatus(guarded.url, { headers: { authorization: `Bearer ${TOKEN}` } })).toBe(0);
    // Browsers: the token as a subprotocol entry; the server selects "codex-bridge", never echoing the token.
    const c = await connectGateway(guarded.url, {
      protocols: ["codex-bridge", `codex-bridge.token.${TOKEN}`],
    });
    expect(c.ws.protocol).toBe("codex-bridge");
    expect((await c.call("gateway.health")).result).toBeDefined();
    await c.close();
    // Never in the URL.
    expect(await upgradeStatus(`${guarded.url}/?token=${TOKEN}`)).toBe(401);
  });

  it("a browser Origin must be the gateway's own or an allowed one; the Host must be loopback", async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect(await upgradeStatus(guarded.url, { headers: { ...auth, origin: "https://evil.example" } })).toBe(
      403,
    );
    expect(await upgradeStatus(guarded.url, { headers: { ...auth, origin: "https://ui.example" } })).toBe(0);
    expect(await upgradeStatus(open.url, { headers: { origin: `http://127.0.0.1:${open.port}` } })).toBe(0);
    expect(await upgradeStatus(open.url, { headers: { origin: `http://localhost:${open.port + 1}` } })).toBe(
      403,
    );
    // DNS rebinding: a page of evil.example resolved to 127.0.0.1 sends its own Host.
    expect(await upgradeStatus(open.url, { headers: { host: `evil.example:${open.port}` } })).toBe(421);
  });

  it("off loopback a token is required", async () => {
    await expect(listenWebSocket(gateway, { host: "0.0.0.0" })).rejects.toMatchObject({
      code: "INVALID_OPTION",
    });
  });

  it("serves the console with a strict CSP, /healthz, and nothing outside the console directory", async () => {
    const base = open.url.replace("ws://", "http://");
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain("<title>console</title>");
    expect(index.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(index.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/..%2fsecret.txt`)).status).toBe(404);
    expect((await fetch(`${base}/%2e%2e/secret.txt`)).status).toBe(404);
    expect((await fetch(`${guarded.url.replace("ws://", "http://")}/`)).status).toBe(404);
  });
});
