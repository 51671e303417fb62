/**
 * A scripted stand-in for the OpenAI Responses API, served on 127.0.0.1, so
 * the real codex binary can run turns with no account and no network. Each
 * POST to `/v1/responses` is answered by the script; every request body is
 * recorded for assertions.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One server-sent event of the Responses stream: `event: <type>` + `data: <json>`. */
export interface SseEvent {
  type: string;
  [key: string]: unknown;
}

/** What the mock answers to one model request. */
export type MockReply =
  | { kind: "sse"; events: SseEvent[] /** Pause between events, ms. Default 0. */; eventDelayMs?: number }
  | { kind: "http"; status: number; body: unknown }
  /** Sends `response.created`, then nothing more until the server closes. */
  | { kind: "stall" };

/** A model request as the mock received it. */
export interface MockRequest {
  /** 0-based position among the POSTs to /responses. */
  index: number;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The JSON body (`input[]`, `tools[]`, `model`, `stream`, …). */
  body: ResponsesRequestBody;
}

/** The parts of a Responses request body tests usually read; the rest is kept as sent. */
export interface ResponsesRequestBody {
  model?: string;
  input?: Array<Record<string, unknown>>;
  tools?: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

/** Answers request `index`; an array script answers request i with element i. */
export type MockScript = ((request: MockRequest) => MockReply | Promise<MockReply>) | readonly MockReply[];

export interface MockResponsesServer {
  /** The provider `base_url` to give codex, e.g. `http://127.0.0.1:PORT/v1`. */
  readonly url: string;
  readonly port: number;
  /** Every POST to /responses, in order. */
  readonly requests: readonly MockRequest[];
  /** Requests the mock could not answer (other paths, a script that ran out or threw). */
  readonly problems: readonly string[];
  /** Resolves once `count` model requests have arrived; rejects after `timeoutMs` (default 30 s). */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface MockResponsesOptions {
  /** Host to bind. Default 127.0.0.1. */
  host?: string;
}

/** Starts the mock on an ephemeral port. */
export async function startMockResponses(
  script: MockScript,
  options: MockResponsesOptions = {},
): Promise<MockResponsesServer> {
  const requests: MockRequest[] = [];
  const problems: string[] = [];
  const open = new Set<ServerResponse>();
  const waiters = new Set<() => void>();

  const answer = async (index: number, request: MockRequest): Promise<MockReply> => {
    if (typeof script === "function") return script(request);
    const reply = script[index];
    if (!reply) throw new Error(`the mock script has ${script.length} replies; request ${index} has none`);
    return reply;
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      problems.push(`handler failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "mock failure", type: "server_error" } }));
    });
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? "/";
    const text = await readBody(req);
    if (req.method !== "POST" || !path.replace(/\?.*$/, "").endsWith("/responses")) {
      problems.push(`unexpected ${req.method} ${path}`);
      res.writeHead(404, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: { message: `mock serves POST /v1/responses only, got ${req.method} ${path}` },
        }),
      );
      return;
    }
    let body: ResponsesRequestBody;
    try {
      body = JSON.parse(text) as ResponsesRequestBody;
    } catch {
      body = { unparsed: text };
    }
    const index = requests.length;
    const request: MockRequest = { index, path, headers: req.headers, body };
    requests.push(request);
    for (const wake of waiters) wake();
    let reply: MockReply;
    try {
      reply = await answer(index, request);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      problems.push(`request ${index}: ${message}`);
      reply = { kind: "http", status: 500, body: { error: { message, type: "server_error" } } };
    }
    await send(res, reply, open);
  };

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      for (const res of open) res.destroy();
      open.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };

  return {
    url: `http://${host}:${port}/v1`,
    port,
    requests,
    problems,
    waitForRequests(count, timeoutMs = 30_000) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `the mock got ${requests.length} model requests, expected ${count} within ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
        const check = () => {
          if (requests.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

async function send(res: ServerResponse, reply: MockReply, open: Set<ServerResponse>): Promise<void> {
  if (reply.kind === "http") {
    res.writeHead(reply.status, { "content-type": "application/json" });
    res.end(typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body));
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  if (reply.kind === "stall") {
    open.add(res);
    res.on("close", () => open.delete(res));
    res.write(sse({ type: "response.created", response: { id: "resp-stall" } }));
    return;
  }
  open.add(res);
  try {
    for (const event of reply.events) {
      if (res.destroyed) return;
      res.write(sse(event));
      if (reply.eventDelayMs) await new Promise((r) => setTimeout(r, reply.eventDelayMs));
    }
    res.end();
  } finally {
    open.delete(res);
  }
}

function sse(event: SseEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
