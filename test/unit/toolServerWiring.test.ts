// The per-thread tool-server config and the secrets behind the HTTP endpoint,
// without codex: a fake endpoint provider records what the bridge hands it.
import { describe, expect, it } from "vitest";
import { ToolServerWiring } from "../../src/codex/toolServer.js";
import {
  type ToolCaller,
  type ToolEndpointProvider,
  WORKER_APPROVED_TOOLS,
} from "../../src/toolServerSpec.js";

function fakeEndpoint() {
  const seen = {
    listens: 0,
    closed: 0,
    identify: (_s: string): ToolCaller | null => null,
    modules: [] as string[],
  };
  const provider: ToolEndpointProvider = {
    listen(options) {
      seen.listens++;
      seen.identify = options.identify;
      seen.modules = options.modules;
      return Promise.resolve({
        url: "http://127.0.0.1:1/mcp",
        close: () => {
          seen.closed++;
          return Promise.resolve();
        },
      });
    },
  };
  return { provider, seen };
}

const secretOf = (config: Record<string, unknown>) =>
  String(
    (config["mcp_servers.codex-bridge"] as { http_headers: { Authorization: string } }).http_headers
      .Authorization,
  ).replace("Bearer ", "");

describe("ToolServerWiring with an endpoint", () => {
  it("starts one listener, gives each thread its own secret, and a new thread start revokes the old one", async () => {
    const { provider, seen } = fakeEndpoint();
    const wiring = new ToolServerWiring({ endpoint: provider, modules: ["/m.js"] }, () => "/store.db");
    const a = { id: "s-a", threadId: "t-a", options: { taskId: "task-a" } };
    const b = { id: "s-b", threadId: null as string | null, options: {} };
    const first = await wiring.config(a, null);
    const other = await wiring.config(b, null);
    expect(seen.listens).toBe(1);
    expect(seen.modules).toEqual(["/m.js"]);
    expect(first).toMatchObject({
      "mcp_servers.codex-bridge": {
        url: "http://127.0.0.1:1/mcp",
        tools: { memory_write: { approval_mode: "approve" } },
      },
      "mcp_servers.codex-bridge-tools": { enabled: false },
    });
    expect(secretOf(first)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secretOf(first)).not.toBe(secretOf(other));
    expect(seen.identify(secretOf(first))).toEqual({
      sessionId: "s-a",
      threadId: "t-a",
      taskId: "task-a",
      storePath: "/store.db",
    });
    // The thread id is read when a request arrives: known by then even if it was not at thread start.
    b.threadId = "t-b";
    expect(seen.identify(secretOf(other))?.threadId).toBe("t-b");
    const resumed = await wiring.config(a, "t-a");
    expect(seen.identify(secretOf(first))).toBeNull();
    expect(seen.identify(secretOf(resumed))?.sessionId).toBe("s-a");
    wiring.revoke(b);
    expect(seen.identify(secretOf(other))).toBeNull();
    await wiring.close();
    expect(seen.closed).toBe(1);
    expect(seen.identify(secretOf(resumed))).toBeNull();
  });

  it("a listener that fails to start is reported as INVALID_STATE and tried again by the next thread", async () => {
    let attempts = 0;
    const provider: ToolEndpointProvider = {
      listen() {
        attempts++;
        return attempts === 1
          ? Promise.reject(new Error("EADDRINUSE"))
          : Promise.resolve({ url: "http://127.0.0.1:2/mcp", close: () => Promise.resolve() });
      },
    };
    const wiring = new ToolServerWiring({ endpoint: provider }, () => null);
    const s = { id: "s", threadId: null, options: {} };
    await expect(wiring.config(s, null)).rejects.toMatchObject({
      code: "INVALID_STATE",
      message: expect.stringContaining("EADDRINUSE"),
    });
    await expect(wiring.config(s, null)).resolves.toMatchObject({
      "mcp_servers.codex-bridge": { url: "http://127.0.0.1:2/mcp" },
    });
  });
});

describe("ToolServerWiring without an endpoint", () => {
  it("gives the thread the stdio server with the session's identity in its env", async () => {
    const wiring = new ToolServerWiring({ autoApprove: [] }, () => null);
    const config = await wiring.config({ id: "s-1", threadId: null, options: { taskId: "t-9" } }, "th-1");
    expect(wiring.name).toBe("codex-bridge-tools");
    const table = config["mcp_servers.codex-bridge-tools"] as { args: string[]; env: Record<string, string> };
    expect(table.args.at(-1)).toBe("mcp-serve");
    expect(table.env).toEqual({
      CODEX_BRIDGE_SESSION_ID: "s-1",
      CODEX_BRIDGE_THREAD_ID: "th-1",
      CODEX_BRIDGE_TASK_ID: "t-9",
      CODEX_BRIDGE_STORE: ":none:",
    });
    // Nothing auto-approved but the kanban tools a worker thread (one with a task) always gets.
    expect(Object.keys((table as unknown as { tools: object }).tools)).toEqual([...WORKER_APPROVED_TOOLS]);
    expect(Object.keys(config)).toEqual(["mcp_servers.codex-bridge-tools"]);
  });
});

describe("ToolServerWiring for kanban workers", () => {
  it("a worker thread's stdio server gets the board, the lease holder and the lease length; its handoff tools are pre-approved", async () => {
    const wiring = new ToolServerWiring({}, () => "/store.db");
    const workerSession = {
      id: "s-w",
      threadId: null,
      options: { taskId: "t-1", board: "/b/board.db", taskLease: { holder: "d-1", leaseMs: 5000 } },
    };
    const config = await wiring.config(workerSession, null);
    const server = config["mcp_servers.codex-bridge-tools"] as {
      env: Record<string, string>;
      tools: Record<string, unknown>;
    };
    expect(server.env).toMatchObject({
      CODEX_BRIDGE_TASK_ID: "t-1",
      CODEX_BRIDGE_BOARD: "/b/board.db",
      CODEX_BRIDGE_TASK_HOLDER: "d-1",
      CODEX_BRIDGE_LEASE_MS: "5000",
    });
    for (const tool of [
      "kanban_complete",
      "kanban_block",
      "kanban_comment",
      "kanban_heartbeat",
      "kanban_create",
    ])
      expect(server.tools[tool]).toEqual({ approval_mode: "approve" });
    // An orchestrator (no task) gets the board, no holder, and no pre-approved kanban writes.
    const orchestrator = await wiring.config(
      { id: "s-o", threadId: null, options: { board: "/b/board.db" } },
      null,
    );
    const o = orchestrator["mcp_servers.codex-bridge-tools"] as {
      env: Record<string, string>;
      tools: Record<string, unknown>;
    };
    expect(o.env.CODEX_BRIDGE_BOARD).toBe("/b/board.db");
    expect(o.env.CODEX_BRIDGE_TASK_HOLDER).toBeUndefined();
    expect(Object.keys(o.tools)).toEqual(["memory_write"]);
    await wiring.close();
  });

  it("the endpoint's caller of a worker thread carries the same board and lease", async () => {
    const { provider, seen } = fakeEndpoint();
    const wiring = new ToolServerWiring({ endpoint: provider }, () => null);
    const config = await wiring.config(
      {
        id: "s-w",
        threadId: "th",
        options: { taskId: "t-1", board: "sqlite:/b.db", taskLease: { holder: "d-1", leaseMs: 9 } },
      },
      null,
    );
    expect(seen.identify(secretOf(config))).toEqual({
      sessionId: "s-w",
      threadId: "th",
      taskId: "t-1",
      storePath: null,
      board: "sqlite:/b.db",
      taskHolder: "d-1",
      leaseMs: 9,
    });
    await wiring.close();
  });
});
