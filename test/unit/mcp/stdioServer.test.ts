import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool } from "../../../src/mcp/defineTool.js";
import { createToolHandlers } from "../../../src/mcp/handlers.js";
import { serveStdio } from "../../../src/mcp/stdioServer.js";
import type { BrandedTool } from "../../../src/mcp/defineTool.js";

/** serveStdio on a pair of in-memory streams; `sent` collects every line the server wrote. */
function serve(tools: BrandedTool[], options: { drainTimeoutMs?: number } = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  const sent: Array<Record<string, any>> = [];
  let buffer = "";
  output.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
      sent.push(JSON.parse(buffer.slice(0, nl)) as Record<string, any>);
      buffer = buffer.slice(nl + 1);
    }
  });
  const done = serveStdio(createToolHandlers({ tools }), { input, output, ...options });
  const send = (message: Record<string, unknown>) =>
    input.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);
  const responseTo = async (id: number) => {
    await until(() => sent.some((m) => m.id === id));
    return sent.find((m) => m.id === id) as Record<string, any>;
  };
  const call = (id: number, name: string, args: Record<string, unknown>) =>
    send({ id, method: "tools/call", params: { name, arguments: args } });
  return { input, sent, send, call, responseTo, done };
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("serveStdio: cancellation and shutdown", () => {
  it("sends no response to a cancelled call, and the handler sees its signal abort", async () => {
    const started = deferred();
    const finished = deferred();
    let aborted = false;
    const wait = defineTool({
      name: "wait",
      description: "Waits until cancelled.",
      inputSchema: z.object({}),
      annotations: { readOnlyHint: true },
      handler: async (ctx) => {
        started.resolve();
        await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve()));
        aborted = ctx.signal.aborted;
        finished.resolve();
        return "answered anyway";
      },
    });
    const s = serve([wait]);
    s.call(1, "wait", {});
    await started.promise;
    s.send({ method: "notifications/cancelled", params: { requestId: 1, reason: "user gave up" } });
    await finished.promise;
    expect(aborted).toBe(true);
    // Responses are written in order: once the ping is answered, an answer to 1 would be there too.
    s.send({ id: 2, method: "ping" });
    await s.responseTo(2);
    expect(s.sent.filter((m) => m.id === 1)).toEqual([]);
    s.input.end();
    await s.done;
  });

  it("answers calls still running when the input ends, then resolves", async () => {
    const slow = defineTool({
      name: "slow",
      description: "Answers after a while.",
      inputSchema: z.object({ text: z.string() }),
      annotations: { readOnlyHint: true },
      handler: async (_ctx, { text }) => {
        await new Promise((r) => setTimeout(r, 200));
        return text.toUpperCase();
      },
    });
    const s = serve([slow]);
    s.call(1, "slow", { text: "late" });
    s.input.end();
    await s.done;
    expect(s.sent).toEqual([
      { jsonrpc: "2.0", id: 1, result: { content: [{ type: "text", text: "LATE" }] } },
    ]);
  });

  it("gives up on a call that outlives the drain time once the input ended, aborting it", async () => {
    let aborted = false;
    const stuck = defineTool({
      name: "stuck",
      description: "Never answers unless cancelled.",
      inputSchema: z.object({}),
      annotations: { readOnlyHint: true },
      handler: (ctx) =>
        new Promise<string>((resolve) =>
          ctx.signal.addEventListener("abort", () => {
            aborted = true;
            resolve("too late");
          }),
        ),
    });
    const s = serve([stuck], { drainTimeoutMs: 100 });
    s.call(1, "stuck", {});
    await until(() => true);
    s.input.end();
    await s.done;
    expect(aborted).toBe(true);
    expect(s.sent).toEqual([]);
  });
});

describe("tool arguments and results are checked against the served schemas", () => {
  const echo = defineTool({
    name: "echo",
    description: "Echoes.",
    inputSchema: z.object({ text: z.string(), times: z.number().int().default(1) }),
    annotations: { readOnlyHint: true },
    handler: (_ctx, { text, times }) => text.repeat(times),
  });
  const loose = defineTool({
    name: "loose",
    description: "Takes anything besides text.",
    inputSchema: z.looseObject({ text: z.string() }),
    annotations: { readOnlyHint: true },
    handler: (_ctx, args) => Object.keys(args).sort().join(","),
  });
  const count = (result: unknown) =>
    defineTool({
      name: "count",
      description: "Counts.",
      inputSchema: z.object({}),
      outputSchema: z.object({ n: z.number().int() }),
      annotations: { readOnlyHint: true },
      handler: () => result as Record<string, unknown>,
    });

  it("serves additionalProperties:false and then refuses an argument the schema does not name", async () => {
    const handlers = createToolHandlers({ tools: [echo, loose] });
    const listed = handlers.listTools().tools;
    expect(listed[0]?.inputSchema).toMatchObject({ additionalProperties: false, required: ["text"] });
    const extra = await handlers.callTool("echo", { text: "a", colour: "red" }, new AbortController().signal);
    expect(extra).toMatchObject({ isError: true });
    expect(extra.content[0]?.text).toBe(
      'invalid arguments for echo: (arguments): Unrecognized key: "colour"',
    );
    const ok = await handlers.callTool("echo", { text: "ab" }, new AbortController().signal);
    expect(ok).toEqual({ content: [{ type: "text", text: "ab" }] });
    // A loose schema says so, and extra arguments pass.
    expect(listed[1]?.inputSchema.additionalProperties).toEqual({});
    const passed = await handlers.callTool("loose", { text: "a", more: 1 }, new AbortController().signal);
    expect(passed.content[0]?.text).toBe("more,text");
  });

  it("checks a result against the declared outputSchema; a mismatch is an error result naming it", async () => {
    const signal = new AbortController().signal;
    const good = await createToolHandlers({ tools: [count({ n: 3 })] }).callTool("count", {}, signal);
    expect(good).toMatchObject({ structuredContent: { n: 3 } });
    expect(good.isError).toBeUndefined();
    const bad = await createToolHandlers({ tools: [count({ n: "three" })] }).callTool("count", {}, signal);
    expect(bad).toMatchObject({ isError: true });
    expect(bad.content[0]?.text).toBe(
      "count returned a result that does not match its outputSchema: n: Invalid input: expected number, received string",
    );
    const text = await createToolHandlers({ tools: [count("just text")] }).callTool("count", {}, signal);
    expect(text).toMatchObject({ isError: true });
    expect(text.content[0]?.text).toBe(
      "count returned no structured content, but it declares an outputSchema",
    );
  });
});
