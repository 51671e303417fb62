// The bridge's tools served from the bridge process over streamable HTTP
// (toolServer.endpoint), on the real codex binary: each thread reaches the
// one endpoint with its own secret, which the bridge maps to its identity.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { httpToolEndpoint } from "../../src/mcp/httpEndpoint.js";
import { functionCallOutputs, item, reply, respond } from "../../src/testing/index.js";
import type { ToolCaller, ToolEndpointProvider } from "../../src/toolServerSpec.js";
import { launchBridge } from "../harness/bridge.js";

const SERVER = "codex-bridge";
const hostTools = fileURLToPath(new URL("../fixtures/hostTools.mjs", import.meta.url));

/** The real endpoint, with its URL and the secrets the bridge handed out, for the test to see. */
function observedEndpoint() {
  const seen = { url: "", secrets: [] as string[], identify: (_s: string): ToolCaller | null => null };
  const provider: ToolEndpointProvider = {
    async listen(options) {
      seen.identify = options.identify;
      const listener = await httpToolEndpoint({ configPath: false }).listen({
        ...options,
        identify: (secret) => {
          if (!seen.secrets.includes(secret)) seen.secrets.push(secret);
          return options.identify(secret);
        },
      });
      seen.url = listener.url;
      return listener;
    },
  };
  return { provider, seen };
}

/** Command lines of the processes whose parent is `pid`. */
function childCommands(pid: number): string[] {
  const out: string[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " "));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const post = (url: string, headers: Record<string, string>, body: unknown) =>
  fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: JSON.stringify(body),
  });

describe("the tool server as an HTTP endpoint inside the bridge", () => {
  it("a thread calls tools over HTTP with its own identity; approvals as with stdio; no process per thread", async () => {
    const { provider, seen } = observedEndpoint();
    const asked: string[] = [];
    await using f = await launchBridge(
      [
        respond([item.mcpCall(SERVER, "whoami", {}, { callId: "me" })]),
        respond([
          item.mcpCall(SERVER, "memory_write", { key: "fav", content: "kumquats" }, { callId: "w1" }),
        ]),
        reply.text("done"),
      ],
      {
        toolServer: { endpoint: provider, modules: [hostTools] },
        approvals: {
          onRequest: (req) => {
            asked.push(`${req.kind}:${req.mcp?.tool ?? ""}`);
            return { decision: "decline" };
          },
        },
      },
    );
    const session = await f.bridge.startSession({
      cwd: f.workdir,
      taskId: "task-7",
      approvalPolicy: "on-request",
    });
    const result = await session.run("who am I? then remember kumquats");
    expect(result.status, JSON.stringify(result.error)).toBe("completed");
    expect(JSON.stringify(f.mock.requests[0]?.body.tools)).toContain('"name":"mcp__codex_bridge"');
    const me = JSON.stringify(functionCallOutputs(f.mock.requests[1]?.body ?? {}).get("me"));
    expect(me).toContain(`\\"session_id\\":\\"${session.id}\\"`);
    expect(me).toContain(`\\"thread_id\\":\\"${session.threadId}\\"`);
    expect(me).toContain(`\\"task_id\\":\\"task-7\\"`);
    // memory_write is pre-approved, whoami is read-only: nobody was asked.
    expect(asked).toEqual([]);
    expect(String(functionCallOutputs(f.mock.requests[2]?.body ?? {}).get("w1"))).toContain('"stored":true');
    const calls = result.messages.filter((m) => m.tool_calls).map((m) => m.tool_calls?.[0]?.function.name);
    expect(calls).toEqual([`mcp.${SERVER}.whoami`, `mcp.${SERVER}.memory_write`]);
    expect(seen.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    // codex started no tool server process for the thread.
    expect(childCommands(await f.pid()).filter((c) => c.includes("mcp-serve"))).toEqual([]);
  });

  it("two concurrent threads keep their identities; forged, absent and revoked secrets are refused (401)", async () => {
    const { provider, seen } = observedEndpoint();
    await using f = await launchBridge(
      (request) => {
        const input = JSON.stringify(request.body.input);
        const which = input.includes("alpha") ? "a" : "b";
        if (!input.includes("function_call_output")) {
          return respond([item.mcpCall(SERVER, "whoami", {}, { callId: `who-${which}` })]);
        }
        return reply.text(`done ${which}`);
      },
      { toolServer: { endpoint: provider, modules: [hostTools] } },
    );
    const [a, b] = await Promise.all([
      f.bridge.startSession({ cwd: f.workdir, taskId: "task-a" }),
      f.bridge.startSession({ cwd: f.workdir, taskId: "task-b" }),
    ]);
    const [ra, rb] = await Promise.all([a.run("alpha: who am I?"), b.run("beta: who am I?")]);
    expect([ra.status, rb.status]).toEqual(["completed", "completed"]);
    const output = (callId: string) =>
      JSON.stringify(f.mock.requests.map((r) => functionCallOutputs(r.body).get(callId)).find((o) => o));
    expect(output("who-a")).toContain(`\\"session_id\\":\\"${a.id}\\"`);
    expect(output("who-a")).toContain(`\\"task_id\\":\\"task-a\\"`);
    expect(output("who-b")).toContain(`\\"session_id\\":\\"${b.id}\\"`);
    expect(output("who-b")).toContain(`\\"task_id\\":\\"task-b\\"`);
    // One secret per thread, each naming its own session.
    expect(seen.secrets).toHaveLength(2);
    expect(seen.secrets.map((s) => seen.identify(s)?.sessionId).sort()).toEqual([a.id, b.id].sort());

    const call = { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "whoami", arguments: {} } };
    const absent = await post(seen.url, {}, call);
    expect(absent.status).toBe(401);
    expect(absent.headers.get("www-authenticate")).toContain("Bearer");
    expect((await post(seen.url, { authorization: "Bearer forged-secret" }, call)).status).toBe(401);
    const secretOfA = seen.secrets.find((s) => seen.identify(s)?.sessionId === a.id) ?? "";
    const valid = await post(seen.url, { authorization: `Bearer ${secretOfA}` }, call);
    expect(valid.status).toBe(200);
    expect(JSON.stringify(await valid.json())).toContain(a.id);
    // A closed session's secret stops working.
    await a.close();
    expect((await post(seen.url, { authorization: `Bearer ${secretOfA}` }, call)).status).toBe(401);
  });

  it("a migrated stdio entry in config.toml is disabled for the bridge's threads, not merged into the HTTP one", async () => {
    const { provider } = observedEndpoint();
    const statuses: string[] = [];
    await using f = await launchBridge(
      [respond([item.mcpCall(SERVER, "memory_read", { key: "none" }, { callId: "r1" })]), reply.text("ok")],
      { toolServer: { endpoint: provider } },
      {
        extraToml: `\n[mcp_servers.codex-bridge-tools]\ncommand = "node"\nargs = ["/nonexistent/mcp-serve.js"]\n`,
      },
    );
    const { client } = await f.bridge.client();
    client.onNotification(
      (n) => {
        const p = n.params as { name?: string; status?: string };
        statuses.push(`${p.name}:${p.status}`);
      },
      { methods: ["mcpServer/startupStatus/updated"] },
    );
    const session = await f.bridge.startSession({ cwd: f.workdir });
    const result = await session.run("read a note");
    expect(result.status, JSON.stringify(result.error)).toBe("completed");
    expect(JSON.stringify(functionCallOutputs(f.mock.requests[1]?.body ?? {}).get("r1"))).toContain(
      "nothing is stored under the key",
    );
    expect(statuses).toContain(`${SERVER}:ready`);
    expect(statuses.filter((s) => s.startsWith("codex-bridge-tools:"))).toEqual([]);
  });
});
