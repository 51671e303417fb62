// A bare WebSocket JSON-RPC client for gateway tests: every frame it gets is
// kept; `call` sends a request and waits for its response; `until` waits
// for a message that matches.
import WebSocket from "ws";

export interface WireMessage {
  id?: string | number | null;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: Record<string, unknown> };
}

export interface TestClient {
  ws: WebSocket;
  messages: WireMessage[];
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  send(text: string | Buffer, binary?: boolean): void;
  call(method: string, params?: unknown): Promise<WireMessage>;
  until(pred: (m: WireMessage) => boolean, timeoutMs?: number): Promise<WireMessage>;
  close(): Promise<void>;
}

let nextId = 1;

export async function connectGateway(
  url: string,
  options: { headers?: Record<string, string>; protocols?: string[] } = {},
): Promise<TestClient> {
  const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers ?? {} });
  const messages: WireMessage[] = [];
  const waiters = new Set<() => void>();
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on("close", (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const w of [...waiters]) w();
    });
  });
  ws.on("message", (data: Buffer) => {
    messages.push(JSON.parse(data.toString("utf8")) as WireMessage);
    for (const w of [...waiters]) w();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
    ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  ws.on("error", () => undefined);
  const until = (pred: (m: WireMessage) => boolean, timeoutMs = 60_000) =>
    new Promise<WireMessage>((resolve, reject) => {
      const check = () => {
        const hit = messages.find(pred);
        if (hit) {
          waiters.delete(check);
          clearTimeout(timer);
          return resolve(hit);
        }
        if (ws.readyState === WebSocket.CLOSED) {
          waiters.delete(check);
          clearTimeout(timer);
          reject(new Error(`the connection closed; got ${JSON.stringify(messages.slice(-3))}`));
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(
            `no matching message within ${timeoutMs} ms; last: ${JSON.stringify(messages.slice(-3))}`,
          ),
        );
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return {
    ws,
    messages,
    closed,
    send: (text, binary = false) => ws.send(text, { binary }),
    call(method, params) {
      const id = nextId++;
      ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) }));
      return until((m) => m.id === id && (m.result !== undefined || m.error !== undefined));
    },
    until,
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close();
      await closed;
    },
  };
}

/** The HTTP status a WebSocket upgrade is refused with (0 when it was accepted). */
export function upgradeStatus(
  url: string,
  options: { headers?: Record<string, string>; protocols?: string[] } = {},
): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers ?? {} });
    ws.on("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? -1);
      ws.terminate();
    });
    ws.on("open", () => {
      resolve(0);
      ws.close();
    });
    ws.on("error", () => resolve(-1));
  });
}
