// Shared by the kanban e2e tests: reading a worker's prompt and its tool
// results from the mock model's requests, and the standard worker script.
import { item, type MockReply, reply, respond } from "../../src/testing/index.js";

/** The bridge's in-process tool endpoint, as the model sees it. */
export const SERVER = "codex-bridge";

type Body = { input?: Array<Record<string, unknown>> };

/** Every string inside a value (tool outputs come as text or as content items). */
export function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(textOf).join("\n");
  if (value && typeof value === "object") return Object.values(value).map(textOf).join("\n");
  return "";
}

/** The user messages of a request, joined. */
export function userText(body: Body): string {
  return (body.input ?? [])
    .filter((e) => e.type === "message" && e.role === "user")
    .map((e) => textOf(e.content))
    .join("\n");
}

/** The task a worker request is about: the `# Task <id>: <title>` line of its prompt. */
export function taskOf(body: Body): { id: string; title: string } | null {
  const match = /# Task (\S+): (.+)/.exec(userText(body));
  return match?.[1] && match[2] ? { id: match[1], title: match[2].trim() } : null;
}

/** Tool outputs so far in this turn, in order. */
export function outputs(body: Body): string[] {
  return (body.input ?? []).filter((e) => e.type === "function_call_output").map((e) => textOf(e.output));
}

let calls = 0;
const callId = (name: string) => `${name}-${++calls}`;

export const worker = {
  call(tool: string, args: Record<string, unknown>): MockReply {
    return respond([item.mcpCall(SERVER, tool, args, { callId: callId(tool) })]);
  },
  /** heartbeat → complete(summary) → "Reported.", by how many tool results the request carries. */
  standard(body: Body, summary: string): MockReply {
    const step = outputs(body).length;
    if (step === 0) return worker.call("kanban_heartbeat", { note: "starting" });
    if (step === 1) return worker.call("kanban_complete", { summary });
    return reply.text("Reported.");
  },
};
