/**
 * Waits for one MCP server of a thread to come up. codex starts every
 * configured MCP server per thread, right after `thread/start`, and reports
 * `mcpServer/startupStatus/updated`; a turn that calls a server still
 * starting is answered "unsupported call". Statuses can arrive before
 * `thread/start` answers, so the watch starts before the thread exists.
 */
import type { CodexClient } from "./client.js";

/** Watches a thread's start-up of one MCP server (statuses can arrive before thread/start answers). */
export function watchStartup(client: CodexClient, name: string) {
  const seen = new Map<string, string>();
  let wake = () => {};
  const stop = client.onNotification(
    (n) => {
      const p = n.params as { threadId?: unknown; name?: unknown; status?: unknown };
      if (p.name !== name || typeof p.threadId !== "string" || typeof p.status !== "string") return;
      seen.set(p.threadId, p.status);
      wake();
    },
    { methods: ["mcpServer/startupStatus/updated"] },
  );
  const settled = (threadId: string) => {
    const status = seen.get(threadId);
    return status !== undefined && status !== "starting";
  };
  return {
    stop,
    /** Resolves once the server is ready (or failed), or after `timeoutMs`; never rejects. */
    async ready(threadId: string, timeoutMs: number): Promise<void> {
      if (timeoutMs <= 0 || settled(threadId)) return;
      const closed = new Promise<void>((resolve) => {
        const off = client.process.connection.onClose(() => {
          off();
          resolve();
        });
      });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        timer.unref();
        wake = () => {
          if (settled(threadId)) {
            clearTimeout(timer);
            resolve();
          }
        };
        void closed.then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
