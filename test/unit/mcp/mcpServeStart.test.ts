// `codex-bridge mcp-serve` (codex starts one per thread) answers initialize
// and tools/list before it loads zod, the SDK, the store or the tools; the
// first tools/call loads them. A resolve hook in the server process logs
// every module it loads, so the test sees what was loaded when.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { BUILTIN_TOOL_LIST } from "../../../src/mcp/tools/builtinList.js";

const bin = fileURLToPath(new URL("../../../bin/codex-bridge.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "codex-bridge-serve-start-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hooks = `
import { appendFileSync } from "node:fs";
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(log, resolved.url + "\\n");
  return resolved;
}`;
const preload = (log: string) =>
  `data:text/javascript,${encodeURIComponent(
    `import { register } from "node:module"; register(${JSON.stringify(
      `data:text/javascript,${encodeURIComponent(hooks)}`,
    )}, import.meta.url, { data: { log: ${JSON.stringify(log)} } });`,
  )}`;

const heavy = (urls: string[]) =>
  urls.filter((u) =>
    /\/node_modules\/(zod|@modelcontextprotocol|better-sqlite3)\/|\/dist\/(mcp\/tools\/(?!builtinList)|store\/|mcp\/handlers)/.test(
      u,
    ),
  );

/** A real `mcp-serve` with CODEX_BRIDGE_HOME=home, logging every module it loads. */
function startServer(home: string, log: string) {
  if (!existsSync(fileURLToPath(new URL("../../../dist/cli/commands/mcpServe.js", import.meta.url))))
    throw new Error("dist/ is missing: run `npm run build` first");
  const server = spawn(process.execPath, ["--import", preload(log), bin, "mcp-serve"], {
    env: { ...process.env, CODEX_BRIDGE_HOME: home },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const replies = new Map<number, Record<string, unknown>>();
  const waiters = new Map<number, () => void>();
  let buffer = "";
  server.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    for (const line of buffer.split("\n").slice(0, -1)) {
      const message = JSON.parse(line) as { id: number };
      replies.set(message.id, message);
      waiters.get(message.id)?.();
    }
    buffer = buffer.slice(buffer.lastIndexOf("\n") + 1);
  });
  return {
    ask(id: number, method: string, params: unknown = {}) {
      server.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
      return new Promise<Record<string, unknown>>((resolve) => {
        if (replies.has(id)) resolve(replies.get(id) as Record<string, unknown>);
        waiters.set(id, () => resolve(replies.get(id) as Record<string, unknown>));
      });
    },
    loaded: () => readFileSync(log, "utf8").split("\n").filter(Boolean),
    async close() {
      server.stdin.end();
      await new Promise((resolve) => server.once("exit", resolve));
    },
  };
}

async function initializeAndList(server: ReturnType<typeof startServer>) {
  const init = await server.ask(1, "initialize", {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "test", version: "1" },
  });
  expect(init).toMatchObject({ result: { serverInfo: { name: "codex-bridge-tools" } } });
  const list = await server.ask(2, "tools/list");
  expect((list.result as { tools: unknown[] }).tools).toEqual(BUILTIN_TOOL_LIST);
  expect(server.loaded().some((u) => u.endsWith("/dist/mcp/stdioServer.js"))).toBe(true);
}

describe("mcp-serve start-up", () => {
  it("answers initialize and tools/list without loading zod, the SDK or the tools; the first call loads them", async () => {
    const server = startServer(join(dir, "home"), join(dir, "loaded.txt"));
    try {
      await initializeAndList(server);
      expect(heavy(server.loaded())).toEqual([]);
      const call = await server.ask(3, "tools/call", {
        name: "memory_write",
        arguments: { key: "k", content: "v" },
      });
      expect(call).toMatchObject({ result: { content: [{ type: "text" }] } });
      expect((call.result as { isError?: boolean }).isError).not.toBe(true);
      expect(server.loaded().some((u) => u.includes("/node_modules/zod/"))).toBe(true);
      const read = await server.ask(4, "tools/call", { name: "memory_read", arguments: { key: "k" } });
      expect(JSON.stringify(read)).toContain('\\"v\\"');
    } finally {
      await server.close();
    }
  }, 60_000);

  it("stays lazy with a bridge config that names no tool module", async () => {
    const home = join(dir, "home-config");
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, "config.toml"), "[tools]\nmodule_timeout_ms = 2000\n");
    const server = startServer(home, join(dir, "loaded-config.txt"));
    try {
      await initializeAndList(server);
      expect(server.loaded().some((u) => u.includes("/node_modules/smol-toml/"))).toBe(true);
      expect(heavy(server.loaded())).toEqual([]);
    } finally {
      await server.close();
    }
  }, 60_000);
});
