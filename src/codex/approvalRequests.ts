/**
 * Server-initiated requests as the host sees them: each codex request method
 * parsed into one {@link ApprovalRequest} with a human summary, and the
 * host's {@link ApprovalDecision} mapped back to the exact reply codex
 * expects for that method.
 */
import { stableStringify } from "../util/stableJson.js";

export type ApprovalKind =
  "command" | "fileChange" | "permissions" | "mcpToolCall" | "mcpElicitation" | "userInput";

/** The server-request methods the broker answers. */
export const APPROVAL_METHODS = [
  "item/commandExecution/requestApproval",
  "item/fileChange/requestApproval",
  "item/permissions/requestApproval",
  "mcpServer/elicitation/request",
  "item/tool/requestUserInput",
  "execCommandApproval",
  "applyPatchApproval",
] as const;
export type ApprovalMethod = (typeof APPROVAL_METHODS)[number];

export type CommandChoice =
  "accept" | "acceptForSession" | "acceptWithExecpolicyAmendment" | "decline" | "cancel";

export interface FileChangeSummary {
  path: string;
  kind: string;
}

export interface UserQuestion {
  id: string;
  header: string;
  question: string;
  options: string[] | null;
  isOther: boolean;
  isSecret: boolean;
}

export interface ApprovalRequest {
  /** Unique in this process. */
  id: string;
  kind: ApprovalKind;
  method: ApprovalMethod;
  threadId: string | null;
  turnId: string | null;
  itemId: string | null;
  /** One line a person can decide on, e.g. "run `npm test` in /repo". */
  summary: string;
  /** Why codex asks, when it says. */
  reason: string | null;
  command?: {
    command: string;
    cwd: string | null;
    /** argv of a simple command (no pipes, redirections or substitutions), else null. */
    argv: string[] | null;
    /** The decisions codex offers (from `availableDecisions`; decline is always possible). */
    choices: CommandChoice[];
    /** The exec-policy rule codex proposes for "accept and remember". */
    amendment: string[] | null;
  };
  fileChange?: { changes: FileChangeSummary[]; grantRoot: string | null };
  permissions?: { network: unknown; fileSystem: unknown; cwd: string | null };
  mcp?: {
    server: string;
    message: string;
    tool: string | null;
    arguments: unknown;
    requestedSchema: unknown;
    /** The tool's MCP annotations (readOnlyHint, destructiveHint, …) as codex reports them. */
    annotations: Record<string, unknown> | null;
  };
  userInput?: { questions: UserQuestion[] };
  /** The request as codex sent it. */
  params: unknown;
}

/** What the host decided. Only `decision` is required. */
export interface ApprovalDecision {
  decision: "accept" | "acceptForSession" | "acceptWithExecpolicyAmendment" | "decline" | "cancel";
  /** permissions: what is granted (default: everything requested). */
  permissions?: { network?: unknown; fileSystem?: unknown };
  /** mcpElicitation: the form content. */
  content?: unknown;
  /** userInput: answers by question id. */
  answers?: Record<string, string[]>;
  /** command: the exec-policy amendment to accept (default: the one codex proposed). */
  amendment?: string[];
  /** Why, for the audit. */
  reason?: string;
}

type P = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

let counter = 0;

/**
 * Parses a server request into an {@link ApprovalRequest}. `fileChanges`
 * looks up the changeset codex sent in the item/started fileChange (the
 * approval request itself does not carry it).
 */
export function parseApprovalRequest(
  method: ApprovalMethod,
  params: unknown,
  fileChanges: (itemId: string) => FileChangeSummary[] | undefined = () => undefined,
): ApprovalRequest {
  const p = (params ?? {}) as P;
  const base = {
    id: `approval-${++counter}`,
    method,
    threadId: str(p.threadId) ?? str(p.conversationId),
    turnId: str(p.turnId),
    itemId: str(p.itemId) ?? str(p.callId),
    reason: str(p.reason),
    params,
  };
  switch (method) {
    case "item/commandExecution/requestApproval":
    case "execCommandApproval": {
      const command = Array.isArray(p.command) ? p.command.map(String).join(" ") : (str(p.command) ?? "");
      const argv = Array.isArray(p.command) ? simpleArgv(p.command.map(String)) : commandArgv(command);
      const cwd = str(p.cwd);
      const shown = argv ? argv.join(" ") : unwrapShell(command);
      return {
        ...base,
        kind: "command",
        summary: `run \`${shown}\`${cwd ? ` in ${cwd}` : ""}`,
        command: {
          command,
          cwd,
          argv,
          choices: commandChoices(p.availableDecisions),
          amendment: amendmentOf(p),
        },
      };
    }
    case "item/fileChange/requestApproval":
    case "applyPatchApproval": {
      const changes = base.itemId ? (fileChanges(base.itemId) ?? legacyChanges(p)) : legacyChanges(p);
      const list = changes.map((c) => `${c.kind} ${c.path}`).join(", ");
      return {
        ...base,
        kind: "fileChange",
        summary: changes.length ? `apply a patch: ${list}` : "apply a patch",
        fileChange: { changes, grantRoot: str(p.grantRoot) },
      };
    }
    case "item/permissions/requestApproval": {
      const perms = (p.permissions ?? {}) as P;
      const wants = [perms.network ? "network" : null, perms.fileSystem ? "file system" : null].filter(
        Boolean,
      );
      return {
        ...base,
        kind: "permissions",
        summary: `grant extra permissions: ${wants.join(" and ") || "none listed"}`,
        permissions: {
          network: perms.network ?? null,
          fileSystem: perms.fileSystem ?? null,
          cwd: str(p.cwd),
        },
      };
    }
    case "mcpServer/elicitation/request": {
      const meta = (p._meta ?? {}) as P;
      const server = str(p.serverName) ?? "unknown";
      const message = str(p.message) ?? "";
      const isToolCall = meta.codex_approval_kind === "mcp_tool_call";
      const tool = str(meta.tool_name) ?? (isToolCall ? (/tool "([^"]+)"/.exec(message)?.[1] ?? null) : null);
      const args = meta.tool_params ?? null;
      return {
        ...base,
        kind: isToolCall ? "mcpToolCall" : "mcpElicitation",
        summary: isToolCall
          ? `call the MCP tool ${server}.${tool ?? "?"}${args ? ` with ${stableStringify(args)}` : ""}`
          : `${server} asks: ${message}`,
        mcp: {
          server,
          message,
          tool,
          arguments: args,
          requestedSchema: p.requestedSchema ?? null,
          annotations:
            meta.tool_annotations && typeof meta.tool_annotations === "object"
              ? (meta.tool_annotations as Record<string, unknown>)
              : null,
        },
      };
    }
    case "item/tool/requestUserInput": {
      const questions = (Array.isArray(p.questions) ? (p.questions as P[]) : []).map((q) => ({
        id: str(q.id) ?? "",
        header: str(q.header) ?? "",
        question: str(q.question) ?? "",
        options: Array.isArray(q.options)
          ? (q.options as unknown[]).map((o) =>
              typeof o === "object" && o ? (str((o as P).label) ?? stableStringify(o)) : String(o),
            )
          : null,
        isOther: q.isOther === true,
        isSecret: q.isSecret === true,
      }));
      return {
        ...base,
        kind: "userInput",
        summary: `answer ${questions.length} question${questions.length === 1 ? "" : "s"}: ${questions.map((q) => q.question).join(" / ")}`,
        userInput: { questions },
      };
    }
  }
}

/** The reply codex expects for `request` given the host's decision. */
export function toWireResponse(request: ApprovalRequest, decision: ApprovalDecision): unknown {
  const d = decision.decision;
  const accepted = d === "accept" || d === "acceptForSession" || d === "acceptWithExecpolicyAmendment";
  switch (request.method) {
    case "item/commandExecution/requestApproval": {
      if (d === "acceptWithExecpolicyAmendment") {
        const amendment = decision.amendment ?? request.command?.amendment;
        return amendment
          ? { decision: { acceptWithExecpolicyAmendment: { execpolicy_amendment: amendment } } }
          : { decision: "accept" };
      }
      return { decision: d };
    }
    case "item/fileChange/requestApproval":
      return { decision: d === "acceptWithExecpolicyAmendment" ? "accept" : d };
    case "item/permissions/requestApproval": {
      if (!accepted) return { permissions: {}, scope: "turn" };
      const requested = request.permissions ?? { network: null, fileSystem: null };
      const granted = decision.permissions ?? {
        network: requested.network,
        fileSystem: requested.fileSystem,
      };
      const permissions: P = {};
      if (granted.network) permissions.network = granted.network;
      if (granted.fileSystem) permissions.fileSystem = granted.fileSystem;
      return { permissions, scope: d === "acceptForSession" ? "session" : "turn" };
    }
    case "mcpServer/elicitation/request":
      return accepted
        ? { action: "accept", content: decision.content ?? {}, _meta: null }
        : { action: d === "cancel" ? "cancel" : "decline", content: null, _meta: null };
    case "item/tool/requestUserInput": {
      const answers: Record<string, { answers: string[] }> = {};
      if (accepted)
        for (const [id, list] of Object.entries(decision.answers ?? {})) answers[id] = { answers: list };
      return { answers };
    }
    case "execCommandApproval":
    case "applyPatchApproval":
      if (d === "acceptForSession") return { decision: "approved_for_session" };
      if (accepted) return { decision: "approved" };
      if (d === "cancel") return { decision: "abort" };
      return { decision: { denied: { rejection: decision.reason ?? "declined by the host" } } };
  }
}

function commandChoices(available: unknown): CommandChoice[] {
  const out = new Set<CommandChoice>();
  for (const entry of Array.isArray(available) ? available : []) {
    if (typeof entry === "string" && isChoice(entry)) out.add(entry);
    else if (entry && typeof entry === "object" && "acceptWithExecpolicyAmendment" in entry) {
      out.add("acceptWithExecpolicyAmendment");
    }
  }
  if (out.size === 0) ["accept", "acceptForSession", "cancel"].forEach((c) => out.add(c as CommandChoice));
  // codex accepts decline even when it does not list it; a host must always be able to say no.
  out.add("decline");
  return [...out];
}

function isChoice(v: string): v is CommandChoice {
  return ["accept", "acceptForSession", "acceptWithExecpolicyAmendment", "decline", "cancel"].includes(v);
}

function amendmentOf(p: P): string[] | null {
  const proposed = p.proposedExecpolicyAmendment;
  return Array.isArray(proposed) ? proposed.map(String) : null;
}

function legacyChanges(p: P): FileChangeSummary[] {
  const changes = p.fileChanges ?? p.changes;
  if (!changes || typeof changes !== "object" || Array.isArray(changes)) return [];
  return Object.entries(changes as P).map(([path, c]) => ({
    path,
    kind: c && typeof c === "object" ? (str((c as P).type) ?? Object.keys(c)[0] ?? "update") : "update",
  }));
}

const SHELL_WRAPPER = /^(?:\/usr)?(?:\/bin\/)?(?:ba|z)?sh\s+-l?c\s+'((?:[^']|'\\'')*)'$/;
const SHELL_META = /[;&|<>$`(){}\n*?[\]~!#]/;

/** The script inside `bash -lc '…'`, or the command as given. */
export function unwrapShell(command: string): string {
  const m = SHELL_WRAPPER.exec(command.trim());
  return m?.[1] !== undefined ? m[1].replace(/'\\''/g, "'") : command.trim();
}

/** argv of a simple command; null when the script uses shell syntax a prefix rule cannot reason about. */
export function commandArgv(command: string): string[] | null {
  const script = unwrapShell(command);
  const words: string[] = [];
  let current = "";
  let quote: '"' | "'" | null = null;
  let inWord = false;
  for (const ch of script) {
    if (quote) {
      if (ch === quote) quote = null;
      else if (quote === '"' && (ch === "$" || ch === "`" || ch === "\\")) return null;
      else current += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
    } else if (SHELL_META.test(ch) || ch === "\\") {
      return null;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) return null;
  if (inWord) words.push(current);
  return words.length > 0 ? words : null;
}

function simpleArgv(argv: string[]): string[] | null {
  const [first, second, third] = argv;
  if (
    argv.length === 3 &&
    first &&
    /(?:^|\/)(?:ba|z)?sh$/.test(first) &&
    (second === "-lc" || second === "-c")
  ) {
    return commandArgv(third ?? "");
  }
  return argv.length > 0 ? argv : null;
}
