// The HTTP tool endpoint on its own: auth, loopback names, the stateless
// streamable-HTTP subset codex speaks, identity per secret, cancellation.
import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool } from "../../../src/mcp/defineTool.js";
import { httpToolEndpoint } from "../../../src/mcp/httpEndpoint.js";
import type { ToolCaller, ToolEndpointListener } from "../../../src/toolServerSpec.js";

const callers: Record<string, ToolCaller> = {
  "secret-a": { sessionId: "s-a", threadId: "t-a", taskId: "task-a", storePath: null },
  "secret-b": { sessionId: "s-b", threadId: "t-b", taskId: null, storePath: null },
};
let started: { release: () => void } | undefined;
const tools = [
  defineTool({
    name: "whoami",
    description: "who calls",
    inputSchema: z.object({}),
    annotations: { readOnlyHint: true },
    handler: (ctx) => ({ session: ctx.sessionId, thread: ctx.threadId, task: ctx.taskId }),
  }),
  defineTool({
    name: "wait",
    description: "waits until cancelled",
    inputSchema: z.object({}),
    annotations: { readOnlyHint: true },
    handler: (ctx) =>
      new Promise((_resolve, reject) => {
        started?.release();
        ctx.signal.addEventListener("abort", () => reject(new Error("cancelled")));
      }),
  }),
];

let listener: ToolEndpointListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

async function start() {
  listener = await httpToolEndpoint({ builtins: false, tools, configPath: false }).listen({
    identify: (secret) => callers[secret] ?? null,
    modules: [],
  });
  return listener.url;
}

function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown },
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "POST", headers: options.headers ?? {} }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}

const auth = (secret: string) => ({ authorization: `Bearer ${secret}`, "content-type": "application/json" });
const call = (id: number, name: string) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name, arguments: {} },
});

describe("httpToolEndpoint", () => {
  it("listens on 127.0.0.1 and answers initialize, tools/list and tools/call with the secret's identity", async () => {
    const url = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const init = await send(url, {
      headers: auth("secret-a"),
      body: { jsonrpc: "2.0", id: 0, method: "initialize", params: { protocolVersion: "2025-06-18" } },
    });
    expect(init.status).toBe(200);
    expect(JSON.parse(init.body)).toMatchObject({
      id: 0,
      result: { protocolVersion: "2025-06-18", serverInfo: { name: "codex-bridge" } },
    });
    const note = await send(url, {
      headers: auth("secret-a"),
      body: { jsonrpc: "2.0", method: "notifications/initialized" },
    });
    expect(note.status).toBe(202);
    expect(note.body).toBe("");
    const list = await send(url, {
      headers: auth("secret-a"),
      body: { jsonrpc: "2.0", id: 1, method: "tools/list" },
    });
    expect(JSON.parse(list.body).result.tools.map((t: { name: string }) => t.name)).toEqual([
      "whoami",
      "wait",
    ]);
    const [a, b] = await Promise.all([
      send(url, { headers: auth("secret-a"), body: call(2, "whoami") }),
      send(url, { headers: auth("secret-b"), body: call(2, "whoami") }),
    ]);
    expect(JSON.parse(a.body).result.structuredContent).toEqual({
      session: "s-a",
      thread: "t-a",
      task: "task-a",
    });
    expect(JSON.parse(b.body).result.structuredContent).toEqual({
      session: "s-b",
      thread: "t-b",
      task: null,
    });
    const unknown = await send(url, {
      headers: auth("secret-a"),
      body: { jsonrpc: "2.0", id: 3, method: "nope" },
    });
    expect(JSON.parse(unknown.body)).toMatchObject({ id: 3, error: { code: -32601 } });
  });

  it("refuses a request without a known secret (401), another host name (403), other paths and methods", async () => {
    const url = await start();
    const port = new URL(url).port;
    expect((await send(url, { body: call(1, "whoami") })).status).toBe(401);
    const forged = await send(url, { headers: auth("secret-c"), body: call(1, "whoami") });
    expect(forged.status).toBe(401);
    expect(forged.headers["www-authenticate"]).toContain("Bearer");
    expect(forged.body).not.toContain("s-a");
    const rebound = await send(url, {
      headers: { ...auth("secret-a"), host: `evil.example:${port}` },
      body: call(1, "whoami"),
    });
    expect(rebound.status).toBe(403);
    const localhost = await send(url, {
      headers: { ...auth("secret-a"), host: `localhost:${port}` },
      body: call(1, "whoami"),
    });
    expect(localhost.status).toBe(200);
    expect(
      (await send(url.replace("/mcp", "/other"), { headers: auth("secret-a"), body: call(1, "whoami") }))
        .status,
    ).toBe(404);
    expect((await send(url, { method: "GET", headers: auth("secret-a") })).status).toBe(405);
    const garbage = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: "POST", headers: auth("secret-a") }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end("{not json");
    });
    expect(garbage).toBe(400);
  });

  it("a notifications/cancelled aborts the call's signal and the call gets no JSON-RPC answer", async () => {
    const url = await start();
    const running = new Promise<void>((release) => (started = { release }));
    const pending = send(url, { headers: auth("secret-a"), body: call(7, "wait") });
    await running;
    // Another thread cannot cancel it: the same request id under another secret is a different call.
    await send(url, {
      headers: auth("secret-b"),
      body: { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 7 } },
    });
    const still = await Promise.race([
      pending.then(() => "answered"),
      new Promise((r) => setTimeout(() => r("pending"), 200)),
    ]);
    expect(still).toBe("pending");
    const cancel = await send(url, {
      headers: auth("secret-a"),
      body: { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 7 } },
    });
    expect(cancel.status).toBe(202);
    const answer = await pending;
    expect(answer.status).toBe(202);
    expect(answer.body).toBe("");
  });
});
