// A minimal Agent Client Protocol client (JSON-RPC 2.0 lines on stdio) for
// @zed-industries/codex-acp: initialize, session/new, session/prompt. Any
// request from the agent (a permission) is answered "cancelled".
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

export async function startAcpClient({ bin, codexHome, cwd }) {
  const child = spawn(bin, [], {
    cwd,
    env: { ...process.env, CODEX_HOME: codexHome, RUST_LOG: "warn" },
    stdio: ["pipe", "pipe", "ignore"],
  });
  const pending = new Map();
  let nextId = 1;
  const send = (message) => child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);
  createInterface({ input: child.stdout }).on("line", (line) => {
    const msg = JSON.parse(line);
    if (msg.method !== undefined && msg.id !== undefined) {
      send({ id: msg.id, result: { outcome: { outcome: "cancelled" } } });
    } else if (msg.method === undefined) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(`${msg.error.message}`));
      else p?.resolve(msg.result);
    }
  });
  const request = (method, params) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      send({ id, method, params });
    });
  await request("initialize", {
    protocolVersion: 1,
    clientCapabilities: { fs: { readTextFile: false, writeTextFile: false }, terminal: false },
  });
  return {
    async startSession() {
      const { sessionId } = await request("session/new", { cwd, mcpServers: [] });
      return sessionId;
    },
    async prompt(sessionId, text) {
      const r = await request("session/prompt", { sessionId, prompt: [{ type: "text", text }] });
      return r.stopReason;
    },
    close() {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.stdin.end();
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      });
    },
  };
}
