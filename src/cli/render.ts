// Terminal rendering of session events: the answer streams to stdout, and
// what codex does (commands, patches, tool calls, approvals) goes to stderr
// as compact lines, so `codex-bridge run … > answer.txt` keeps the answer.
import { unwrapShell } from "../codex/approvalRequests.js";
import type { SessionEvent, TurnResult } from "../codex/events.js";
import type { Item } from "../codex/projector.js";
import { text } from "../util/stableJson.js";
import type { Output } from "./output.js";
import { type StatusLine, type Style, styleFor } from "./style.js";

const MAX_LINE = 160;

export interface RendererOptions {
  /** Colours for stderr lines. Default none. */
  style?: Style;
  /** The status line to erase before output and to show while codex works. */
  status?: StatusLine;
  /** The --timeout in seconds, to name it in a timeout message. */
  timeoutSeconds?: number;
  /** Print "? approval: …" lines. Default true; off when a prompt asks the same question. */
  showApprovalRequests?: boolean;
  /** The gateway's URL when the session lives there: the closing hint then names `--remote URL` too. */
  remote?: string;
}

const plain = styleFor({ isTTY: false });

export class HumanRenderer {
  #midLine = false;
  readonly #style: Style;
  readonly #status: StatusLine | undefined;
  readonly #timeoutSeconds: number | undefined;
  readonly #showApprovalRequests: boolean;
  readonly #remote: string | undefined;
  /** agentMessage items whose text arrived as deltas (else it is printed when the item completes). */
  readonly #streamed = new Set<string>();
  /** `$ command` lines held back until the command runs (after its approval, if codex asks). */
  readonly #pendingCommands = new Map<string, string>();

  constructor(
    private readonly out: Output,
    options: RendererOptions = {},
  ) {
    this.#style = options.style ?? plain;
    this.#status = options.status;
    this.#timeoutSeconds = options.timeoutSeconds;
    this.#showApprovalRequests = options.showApprovalRequests ?? true;
    this.#remote = options.remote;
  }

  event(e: SessionEvent): void {
    switch (e.type) {
      case "text.delta":
        this.#status?.clear();
        this.#streamed.add(e.itemId);
        this.out.stdout(e.delta);
        this.#midLine = !e.delta.endsWith("\n");
        return;
      case "item.started":
        if (e.item.type === "commandExecution") {
          // Printed once it runs: an approval question, if any, comes first.
          this.#pendingCommands.set(String(e.item.id), `$ ${unwrapShell(text(e.item.command))}`);
          return;
        }
        this.#note(started(e.item), this.#style.cyan);
        return;
      case "command.output":
        this.#flushCommand(e.itemId);
        return;
      case "item.completed":
        if (e.item.type === "agentMessage") {
          this.#completeMessage(e.item);
          return;
        }
        if (e.item.type === "commandExecution" && e.item.status !== "declined") {
          this.#flushCommand(String(e.item.id));
        }
        this.#pendingCommands.delete(String(e.item.id));
        this.#note(completed(e.item), this.#style.dim);
        this.#working();
        return;
      case "approval.resolved": {
        const accepted = e.decision.decision !== "decline" && e.decision.decision !== "cancel";
        this.#note(
          `  → ${e.decision.decision} (by ${e.decidedBy})${e.decision.reason && e.decidedBy !== "policy" ? `: ${e.decision.reason}` : ""}`,
          accepted ? this.#style.green : this.#style.yellow,
        );
        if (accepted && e.approval.itemId) this.#flushCommand(e.approval.itemId);
        this.#working();
        return;
      }
      case "approval.requested":
        if (!this.#showApprovalRequests) return;
        this.#note(`? approval: ${e.approval.summary}`, this.#style.yellow);
        return;
      case "error":
        this.#note(`! ${e.message}${e.willRetry ? " (retrying)" : ""}`, this.#style.red);
        return;
      default:
        return;
    }
  }

  /** A line about the run itself (e.g. the gateway connection), on stderr, after any partial line of the answer. */
  notice(line: string): void {
    this.#note(line, this.#style.yellow);
  }

  result(r: TurnResult): void {
    this.#status?.clear();
    if (this.#midLine) this.out.stdout("\n");
    this.#midLine = false;
    if (r.status !== "completed") {
      const why = r.error ? `: ${describeTurnError(r.error, this.#timeoutSeconds)}` : "";
      const line = `turn ${r.status}${why}`;
      this.out.stderr(`${r.status === "interrupted" ? this.#style.yellow(line) : this.#style.red(line)}\n`);
    }
    const remote = this.#remote === undefined ? "" : ` --remote ${this.#remote}`;
    this.out.stderr(
      this.#style.dim(`session ${r.sessionId} (continue with --session ${r.sessionId}${remote})`) + "\n",
    );
  }

  /** The answer of an agentMessage that came without deltas (e.g. after a tool call) is printed whole. */
  #completeMessage(item: Item): void {
    const id = String(item.id);
    if (!this.#streamed.has(id) && typeof item.text === "string" && item.text !== "") {
      this.#status?.clear();
      if (this.#midLine) this.out.stdout("\n");
      this.out.stdout(item.text);
      this.#midLine = !item.text.endsWith("\n");
    }
    this.#streamed.delete(id);
    if (this.#midLine) {
      this.out.stdout("\n");
      this.#midLine = false;
    }
  }

  #flushCommand(itemId: string): void {
    const line = this.#pendingCommands.get(itemId);
    if (line === undefined) return;
    this.#pendingCommands.delete(itemId);
    this.#note(line, this.#style.cyan);
  }

  #working(): void {
    if (!this.#midLine) this.#status?.show("codex is working");
  }

  #note(line: string | null, colour: (s: string) => string = (s) => s): void {
    if (!line) return;
    this.#status?.clear();
    if (this.#midLine) {
      this.out.stdout("\n");
      this.#midLine = false;
    }
    this.out.stderr(`${colour(clip(line))}\n`);
  }
}

/** A turn error in the CLI's terms: the --timeout option, not the library's option names. */
export function describeTurnError(error: NonNullable<TurnResult["error"]>, timeoutSeconds?: number): string {
  if (error.code === "TURN_TIMEOUT") {
    const limit = timeoutSeconds ?? 600;
    return `it ran longer than ${limit} s (--timeout ${limit}) and was interrupted`;
  }
  if (error.code === "TURN_STALLED") {
    const ms = /(\d+) ms/.exec(error.message)?.[1];
    return `no activity${ms ? ` for ${Number(ms) / 1000} s` : ""} after a tool finished; it was interrupted`;
  }
  return error.message;
}

function started(item: Item): string | null {
  switch (item.type) {
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
