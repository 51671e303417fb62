/**
 * Node transports to a gateway: WebSocket through the `ws` package (loaded
 * when first used, so a stdio client never loads it), newline-delimited
 * JSON over any pair of streams, and a `codex-bridge serve --stdio` child
 * process spawned per connection. Not for browsers: `transport.ts` is.
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { BridgeError } from "../errors.js";
import { readJsonLines } from "../jsonrpc/lineReader.js";
import {
  closeError,
  type MessageTransport,
  type TransportFactory,
  type TransportHandlers,
} from "./transport.js";

export interface WsTransportOptions {
  /** The gateway's token, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Extra HTTP headers of the upgrade request. */
  headers?: Record<string, string>;
  /** Largest incoming frame in bytes. Default 64 MiB. */
  maxPayload?: number;
  /** How long the opening handshake may take. Default 30,000 ms. */
  handshakeTimeoutMs?: number;
}

/** A transport over a WebSocket (`ws://` or `wss://`), one JSON-RPC message per text frame. */
export function wsTransport(url: string, options: WsTransportOptions = {}): TransportFactory {
  if (!/^wss?:\/\//.test(url)) {
    throw new BridgeError("INVALID_OPTION", `gateway url ${url}: expected ws://HOST:PORT or wss://HOST:PORT`);
  }
  return async (handlers) => {
    const { WebSocket } = await import("ws");
    return new Promise<MessageTransport>((resolve, reject) => {
      let opened = false;
      let ended = false;
      const socket = new WebSocket(url, {
        headers: {
          ...options.headers,
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
        maxPayload: options.maxPayload ?? 64 * 1024 * 1024,
        handshakeTimeout: options.handshakeTimeoutMs ?? 30_000,
      });
      const end = (error: BridgeError) => {
        if (ended) return;
        ended = true;
        if (opened) handlers.closed(error);
        else reject(error);
      };
      socket.on("open", () => {
        opened = true;
        resolve({
          send(text) {
            if (ended || socket.readyState !== WebSocket.OPEN) {
              throw new BridgeError("CONNECTION_CLOSED", `the connection to the gateway at ${url} is closed`);
            }
            socket.send(text);
          },
          close() {
            if (ended) return;
            return new Promise<void>((done) => {
              socket.once("close", () => done());
              socket.close(1000, "client closed");
              // A peer that never answers the close frame: drop the socket.
              setTimeout(() => socket.terminate(), 5_000).unref();
            });
          },
        });
      });
      socket.on("message", (data, isBinary) => {
        if (isBinary) {
          handlers.invalid(
            new BridgeError("PROTOCOL_ERROR", "the gateway sent a binary frame; it was skipped"),
          );
          return;
        }
        const text = Array.isArray(data)
          ? Buffer.concat(data).toString("utf8")
          : Buffer.from(data as ArrayBuffer).toString("utf8");
        deliver(text, handlers);
      });
      socket.on("error", (err) => {
        if (opened) return; // `close` follows with the code
        end(openError(url, err));
      });
      socket.on("close", (code, reason) => end(closeError(url, code, reason.toString("utf8"))));
    });
  };
}

function deliver(text: string, handlers: TransportHandlers): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    handlers.invalid(
      new BridgeError("PROTOCOL_ERROR", `the gateway sent a frame that is not JSON: ${text.slice(0, 120)}`),
    );
    return;
  }
  handlers.message(value);
}

function openError(url: string, err: Error): BridgeError {
  const status = /Unexpected server response: (\d+)/.exec(err.message)?.[1];
  if (status === "401" || status === "403") {
    return new BridgeError(
      "AUTH_REQUIRED",
      `the gateway at ${url} refused the connection (HTTP ${status}): give its token (--token-file) and connect from an allowed origin`,
      { cause: err, details: { status: Number(status) } },
    );
  }
  return new BridgeError("CONNECTION_CLOSED", `could not connect to the gateway at ${url}: ${err.message}`, {
    cause: err,
  });
}

/**
 * A transport over a pair of streams carrying newline-delimited JSON-RPC (a
 * gateway's stdio, a socket). Single use: the streams cannot be reopened, so
 * reconnection fails with CONNECTION_CLOSED.
 */
export function streamTransport(input: Readable, output: Writable): TransportFactory {
  let used = false;
  return (handlers) => {
    if (used) {
      return Promise.reject(
        new BridgeError("CONNECTION_CLOSED", "the gateway's streams are closed and cannot be reopened"),
      );
    }
    used = true;
    return Promise.resolve(linesOver(input, output, handlers, () => undefined));
  };
}

function linesOver(
  input: Readable,
  output: Writable,
  handlers: TransportHandlers,
  onClose: () => void | Promise<void>,
  closedError: () => BridgeError = () => new BridgeError("CONNECTION_CLOSED", "the gateway's output ended"),
): MessageTransport {
  let ended = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    detach();
    handlers.closed(closedError());
  };
  const detach = readJsonLines(input, {
    onValue: (value) => handlers.message(value),
    onError: (error) => handlers.invalid(error),
    onEnd: finish,
  });
  output.on("error", () => finish());
  return {
    send(text) {
      if (ended || output.writableEnded || output.destroyed) {
        throw new BridgeError("CONNECTION_CLOSED", "the connection to the gateway is closed");
      }
      output.write(`${text}\n`);
    },
    async close() {
      if (!output.writableEnded) output.end();
      await onClose();
      finish();
    },
  };
}

export interface StdioGatewayOptions {
  /** The program to run. Default: this package's CLI under the current Node (`node bin/codex-bridge.js`). */
  command?: string;
  /** Its arguments. Default: `serve --stdio` after the CLI's path. */
  args?: string[];
  /** Extra arguments after `serve --stdio` (with the default command), e.g. `["--codex-home", dir]`. */
  serveArgs?: string[];
  /** The child's environment. Default: this process's. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** How long `close()` waits for the gateway to exit after its stdin ends, before SIGTERM (then SIGKILL). Default 10,000 ms. */
  exitGraceMs?: number;
}

const CLI = fileURLToPath(new URL("../../bin/codex-bridge.js", import.meta.url));
const STDERR_TAIL = 4096;

/**
 * A transport that spawns `codex-bridge serve --stdio` for each connection
 * and speaks to it over its stdin/stdout. `close()` ends its stdin and waits
 * for it to exit (SIGTERM, then SIGKILL, after `exitGraceMs`).
 */
export function stdioGatewayTransport(options: StdioGatewayOptions = {}): TransportFactory {
  const command = options.command ?? process.execPath;
  const args = options.args ?? [CLI, "serve", "--stdio", ...(options.serveArgs ?? [])];
  const grace = options.exitGraceMs ?? 10_000;
  return async (handlers) => {
    const child = spawn(command, args, {
      stdio: ["pipe", "pipe", "pipe"],
      env: options.env ?? process.env,
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    let tail = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      tail = (tail + chunk).slice(-STDERR_TAIL);
    });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once("close", (code, signal) => resolve({ code, signal })),
    );
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", (err) =>
        reject(
          new BridgeError("SPAWN_FAILED", `could not start ${command} ${args.join(" ")}: ${err.message}`, {
            cause: err,
          }),
        ),
      );
    });
    let exitInfo: { code: number | null; signal: string | null } | null = null;
    void exited.then((info) => {
      exitInfo = info;
    });
    return linesOver(
      child.stdout,
      child.stdin,
      handlers,
      () => stop(child, exited, grace),
      () => {
        const info = exitInfo;
        const how = info ? (info.signal ? `signal ${info.signal}` : `code ${info.code}`) : "output ended";
        const last = tail.trim().split("\n").slice(-3).join(" | ");
        return new BridgeError(
          "PROCESS_EXITED",
          `codex-bridge serve --stdio exited (${how})${last ? `: ${last}` : ""}`,
          {
            details: { stderrTail: tail },
          },
        );
      },
    );
  };
}

async function stop(child: ChildProcess, exited: Promise<unknown>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const timeout = (ms: number) => new Promise<"timeout">((r) => setTimeout(() => r("timeout"), ms).unref());
  if ((await Promise.race([exited, timeout(graceMs)])) !== "timeout") return;
  child.kill("SIGTERM");
  if ((await Promise.race([exited, timeout(graceMs)])) !== "timeout") return;
  child.kill("SIGKILL");
  await exited;
}
