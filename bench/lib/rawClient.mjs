// The floor: a plain Node client of `codex app-server` — JSON lines on
// stdio, no library. What any host must at least pay.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

export async function startRawClient({ codexBin, codexHome, cwd }) {
  const child = spawn(codexBin, ["app-server"], {
    cwd,
    env: { ...process.env, CODEX_HOME: codexHome, RUST_LOG: "warn" },
    stdio: ["pipe", "pipe", "ignore"],
  });
  const pending = new Map();
  const waiters = new Set();
  let nextId = 1;
  createInterface({ input: child.stdout }).on("line", (line) => {
    const msg = JSON.parse(line);
    if (msg.method !== undefined && msg.id !== undefined) {
      // A server request (approvals): decline, so nothing stalls.
      child.stdin.write(`${JSON.stringify({ id: msg.id, result: { decision: "decline" } })}\n`);
    } else if (msg.method !== undefined) {
      for (const w of waiters) w(msg);
    } else {
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
      child.stdin.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  await request("initialize", { clientInfo: { name: "raw-bench", version: "1" } });
  child.stdin.write(`${JSON.stringify({ method: "initialized" })}\n`);
  return {
    pid: child.pid,
    async startThread() {
      const r = await request("thread/start", { cwd });
      return r.thread.id;
    },
    /** Runs one turn; resolves when turn/completed arrives for it. `onDelta` sees each agent text delta. */
    turn(threadId, text, onDelta) {
      return new Promise((resolve, reject) => {
        const w = (msg) => {
          if (msg.params?.threadId !== threadId) return;
          if (msg.method === "item/agentMessage/delta") onDelta?.(msg.params.delta);
          if (msg.method === "turn/completed") {
            waiters.delete(w);
            resolve(msg.params.turn.status);
          }
        };
        waiters.add(w);
        request("turn/start", { threadId, input: [{ type: "text", text, text_elements: [] }] }).catch(reject);
      });
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
