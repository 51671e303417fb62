// Terminal rendering of session events: the answer streams to stdout, and
// what codex does (commands, patches, tool calls, approvals) goes to stderr
// as compact lines, so `codex-bridge run … > answer.txt` keeps the answer.
import { unwrapShell } from "../codex/approvalRequests.js";
import type { SessionEvent, TurnResult } from "../codex/events.js";
import type { Item } from "../codex/projector.js";
import { text } from "../util/stableJson.js";
import type { Output } from "./output.js";

const MAX_LINE = 160;

export class HumanRenderer {
  #midLine = false;

  constructor(private readonly out: Output) {}

  event(e: SessionEvent): void {
    switch (e.type) {
      case "text.delta":
        this.out.stdout(e.delta);
        this.#midLine = !e.delta.endsWith("\n");
        return;
      case "item.started":
        this.#note(started(e.item));
        return;
      case "item.completed":
        if (e.item.type === "agentMessage" && this.#midLine) {
          this.out.stdout("\n");
          this.#midLine = false;
        }
        this.#note(completed(e.item));
        return;
      case "approval.resolved":
        this.#note(
          `  → ${e.decision.decision} (by ${e.decidedBy})${e.decision.reason && e.decidedBy !== "policy" ? `: ${e.decision.reason}` : ""}`,
        );
        return;
      case "approval.requested":
        this.#note(`? approval: ${e.approval.summary}`);
        return;
      case "error":
        this.#note(`! ${e.message}${e.willRetry ? " (retrying)" : ""}`);
        return;
      default:
        return;
    }
  }

  result(r: TurnResult): void {
    if (this.#midLine) this.out.stdout("\n");
    this.#midLine = false;
    if (r.status !== "completed") {
      this.out.stderr(`turn ${r.status}${r.error ? `: ${r.error.message}` : ""}\n`);
    }
    this.out.stderr(`session ${r.sessionId} (continue with --session ${r.sessionId})\n`);
  }

  #note(line: string | null): void {
    if (!line) return;
    if (this.#midLine) {
      this.out.stdout("\n");
      this.#midLine = false;
    }
    this.out.stderr(`${clip(line)}\n`);
  }
}

function started(item: Item): string | null {
  switch (item.type) {
    case "commandExecution":
      return `$ ${unwrapShell(text(item.command))}`;
    case "mcpToolCall":
      return `> mcp.${String(item.server)}.${String(item.tool)}`;
    case "dynamicToolCall":
      return `> ${String(item.tool)}`;
    default:
      return null;
  }
}

function completed(item: Item): string | null {
  switch (item.type) {
    case "commandExecution": {
      if (item.status === "declined") return "  declined";
      const code = typeof item.exitCode === "number" ? item.exitCode : null;
      return code !== null && code !== 0 ? `  exit ${code}` : null;
    }
    case "fileChange": {
      const changes = Array.isArray(item.changes)
        ? (item.changes as Array<{ path?: unknown; kind?: { type?: unknown } }>)
        : [];
      const list = changes.map((c) => `${text(c.kind?.type, "edit")} ${text(c.path)}`).join(", ");
      return `~ ${item.status === "completed" ? "patched" : String(item.status)}: ${list}`;
    }
    case "mcpToolCall":
      return item.error ? `  error: ${JSON.stringify(item.error)}` : null;
    default:
      return null;
  }
}

function clip(line: string): string {
  const oneLine = line.replace(/\n/g, " ⏎ ");
  return oneLine.length > MAX_LINE ? `${oneLine.slice(0, MAX_LINE - 1)}…` : oneLine;
}

/** One JSON line per event for `--json`: the raw codex notification is left out. */
export function jsonEvent(e: SessionEvent): string {
  const { raw: _raw, ...rest } = e;
  return `${JSON.stringify(rest)}\n`;
}

/** The closing `--json` line. */
export function jsonResult(r: TurnResult): string {
  return `${JSON.stringify({
    type: "result",
    sessionId: r.sessionId,
    threadId: r.threadId,
    turnId: r.turnId,
    status: r.status,
    finalText: r.finalText,
    usage: r.usage,
    ...(r.error ? { error: r.error } : {}),
  })}\n`;
}
