// `codex-bridge serve`: the gateway. Sessions of this machine's store served
// over JSON-RPC to UIs and other processes, on stdio (one client; stdout
// carries the protocol and nothing else) or on a WebSocket.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { CodexBridge } from "../../codex/bridge.js";
import { GatewayServer } from "../../gateway/server.js";
import { serveStdio } from "../../gateway/stdio.js";
import { isLoopback, listenWebSocket } from "../../gateway/ws.js";
import { httpToolEndpoint } from "../../mcp/httpEndpoint.js";
import { LocalRuntime } from "../../runtime/local.js";
import type { Output } from "../output.js";
import { openBoard, parseBoardUrl } from "../../store/board/open.js";
import { openStore } from "../storeAccess.js";
import { existingDirectory, positiveInteger, UsageError, USAGE_EXIT } from "../usage.js";

interface Flags {
  stdio?: boolean;
  listen?: string;
  tokenFile?: string;
  allowOrigin?: string[];
  graceMs?: number;
  shutdownGraceMs?: number;
  console?: string;
  codexHome?: string;
  board?: string;
}

const HELP_AFTER = `
Serves the sessions of $CODEX_BRIDGE_HOME/bridge.db over newline-delimited
JSON-RPC (docs/gateway.md): on stdin/stdout with --stdio, else on a
WebSocket (default 127.0.0.1, any free port; the URL is printed on stdout).

Off loopback a token is required: --token-file, or one is generated and
printed once on stderr. Clients send it as "Authorization: Bearer TOKEN"
(browsers: the subprotocols "codex-bridge" and "codex-bridge.token.TOKEN").
Browsers must come from the gateway's own origin or an --allow-origin.

A client that disconnects leaves its sessions running; a session nobody
subscribes to is closed after --grace-ms. SIGTERM/SIGINT stop accepting,
let running turns end for --shutdown-grace-ms, interrupt the rest and close
the store; a second signal interrupts them at once. Exit status: 0 stopped, 1 failed to start, 2 usage error.`;

export function registerServe(program: Command, out: Output): void {
  program
    .command("serve")
    .description("serve sessions to UIs and other processes over JSON-RPC (stdio or WebSocket)")
    .option("--stdio", "serve one client on stdin/stdout")
    .option("--listen <host:port>", "WebSocket address (default 127.0.0.1:0)")
    .option("--token-file <file>", "file holding the token clients must send")
    .option(
      "--allow-origin <origin>",
      "a browser origin allowed besides the gateway's own (repeatable)",
      collect,
    )
    .option(
      "--grace-ms <ms>",
      "close a session nobody subscribes to after this long (default 600000)",
      positiveInteger,
    )
    .option(
      "--shutdown-grace-ms <ms>",
      "on SIGTERM, let running turns end for this long before interrupting (default 10000)",
      positiveInteger,
    )
    .option("--console <dir>", "serve the web console from this directory at / (default: the bundled one)")
    .option("--codex-home <dir>", "CODEX_HOME for codex (default: codex's own)")
    .option(
      "--board <url>",
      "the kanban board served to clients: a path, sqlite:PATH or postgres://… (default: $CODEX_BRIDGE_BOARD, else $CODEX_BRIDGE_HOME/board.db)",
    )
    .addHelpText("after", HELP_AFTER)
    .action(async (flags: Flags) => {
      try {
        process.exitCode = await serve(flags, out);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        out.stderr(`codex-bridge serve: ${err.message}\n`);
        process.exitCode = USAGE_EXIT;
      }
    });
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function parseListen(value: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(value);
  const port = Number(m?.[2]);
  if (!m || !Number.isInteger(port) || port > 65535) {
    throw new UsageError(`--listen ${JSON.stringify(value)}: expected HOST:PORT, e.g. 127.0.0.1:8787`);
  }
  return { host: (m[1] ?? "").replace(/^\[|\]$/g, ""), port };
}

function readToken(file: string): string {
  let token: string;
  try {
    token = readFileSync(file, "utf8").trim();
  } catch (err) {
    // Worded as run and attach word it.
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (code ?? String(err));
    throw new UsageError(`--token-file ${file}: ${why}`);
  }
  if (token.length < 16 || /\s/.test(token)) {
    throw new UsageError(`--token-file ${file}: the token must be one word of at least 16 characters`);
  }
  return token;
}

/** A --board URL of no known kind is a usage error (exit 2), as for the kanban commands. */
function checkBoardUrl(url: string): void {
  try {
    parseBoardUrl(url);
  } catch (err) {
    throw new UsageError(`--board: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function serve(flags: Flags, out: Output): Promise<number> {
  if (flags.stdio && flags.listen) throw new UsageError("give --stdio or --listen, not both");
  const address = flags.stdio ? null : parseListen(flags.listen ?? "127.0.0.1:0");
  if (flags.console !== undefined) existingDirectory("--console", flags.console);
  if (flags.codexHome !== undefined) existingDirectory("--codex-home", flags.codexHome);
  if (flags.board !== undefined) checkBoardUrl(flags.board);
  let token = flags.tokenFile !== undefined ? readToken(flags.tokenFile) : undefined;
  if (address && !isLoopback(address.host) && !token) {
    token = randomBytes(32).toString("base64url");
    out.stderr(`codex-bridge serve: token (shown once): ${token}\n`);
  }
  const log = (line: string) => out.stderr(`codex-bridge serve: ${line}\n`);
  const store = openStore();
  const bridge = new CodexBridge({
    store,
    ...(flags.codexHome ? { codexHome: flags.codexHome } : {}),
    toolServer: { endpoint: httpToolEndpoint({ log: (line) => log(`tools: ${line}`) }) },
  });
  let board: Awaited<ReturnType<typeof openBoard>>;
  try {
    board = await openBoard(flags.board);
  } catch (err) {
    await bridge.close();
    store.close();
    throw err;
  }
  const runtime = new LocalRuntime({ bridge, board });
  const gateway = new GatewayServer({
    runtime,
    log,
    ...(flags.graceMs ? { graceMs: flags.graceMs } : {}),
  });
  let stopped: Promise<void> | undefined;
  let listener: Awaited<ReturnType<typeof listenWebSocket>> | undefined;
  const graceMs = flags.shutdownGraceMs ?? 10_000;
  const stop = () =>
    (stopped ??= (async () => {
      listener?.stopAccepting();
      await gateway.close(graceMs);
      await listener?.close();
      await bridge.close();
      store.close();
    })());
  let signals = 0;
  const onSignal = () => {
    signals++;
    if (signals === 1) {
      void announceShutdown(runtime, graceMs, log);
      void stop().finally(() => process.exit(0));
      return;
    }
    // A second signal skips the grace: the runtime interrupts what still runs (journalled as interrupted) at once.
    if (signals === 2) {
      log("stopping now: interrupting the running turns");
      void runtime
        .close()
        .then(() => bridge.close())
        .catch(() => undefined)
        .finally(() => {
          store.close();
          process.exit(0);
        });
    }
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  try {
    if (!address) {
      await serveStdio(gateway, process.stdin, process.stdout);
      await stop();
      return 0;
    }
    listener = await listenWebSocket(gateway, {
      host: address.host,
      port: address.port,
      ...(token ? { token } : {}),
      ...(flags.allowOrigin ? { allowOrigins: flags.allowOrigin } : {}),
      ...(consoleDir(flags.console) ? { staticDir: consoleDir(flags.console) } : {}),
    });
  } catch (err) {
    await stop();
    throw err;
  }
  // The hints name an address a client here can connect to; "listening on" names the one bound.
  const url = connectableUrl(listener.url);
  out.stdout(`${url}\n`);
  log(`listening on ${listener.url}${token ? " (token required)" : ""}`);
  if (consoleDir(flags.console)) log(`console: ${url.replace(/^ws/, "http")}/`);
  await new Promise<never>(() => undefined);
  return 0;
}

/** `url` with a wildcard host (0.0.0.0, ::) replaced by loopback, which a client on this machine can connect to. */
export function connectableUrl(url: string): string {
  return url.replace(
    /^(wss?:\/\/)(0\.0\.0\.0|\[::\])(?=:)/,
    (_, scheme: string, host: string) => `${scheme}${host === "0.0.0.0" ? "127.0.0.1" : "[::1]"}`,
  );
}

/** Says at once what a shutdown waits for, and that a second signal cuts the wait short. */
async function announceShutdown(runtime: LocalRuntime, graceMs: number, log: (line: string) => void) {
  const running = await runtime.listSessions().then(
    (sessions) => sessions.filter((s) => s.status === "running").length,
    () => 0,
  );
  if (running === 0) return log("shutting down");
  const turns = running === 1 ? "1 running turn" : `${running} running turns`;
  log(`shutting down: waiting up to ${graceMs / 1000}s for ${turns} (Ctrl-C again to stop now)`);
}

/** The web console to serve: `--console DIR`, else the bundle built next to this CLI (dist/console), when present. */
function consoleDir(flag: string | undefined): string | undefined {
  if (flag !== undefined) return flag;
  const bundled = fileURLToPath(new URL("../../console/", import.meta.url));
  return existsSync(join(bundled, "index.html")) ? bundled : undefined;
}
