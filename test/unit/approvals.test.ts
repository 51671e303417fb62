import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  commandArgv,
  parseApprovalRequest,
  toWireResponse,
  unwrapShell,
} from "../../src/codex/approvalRequests.js";
import { ApprovalBroker, type ApprovalOutcome } from "../../src/codex/approvals.js";

// Requests exactly as the real codex sent them (scripts/recordGolden.mjs).
function recordedRequest(scenario: string, method: string): unknown {
  const lines = readFileSync(new URL(`../fixtures/golden/${scenario}.jsonl`, import.meta.url), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { kind: string; method: string; params: unknown });
  const found = lines.find((l) => l.kind === "request" && l.method === method);
  if (!found) throw new Error(`no ${method} in ${scenario}`);
  return found.params;
}

const commandParams = recordedRequest("command-approved", "item/commandExecution/requestApproval");
const patchParams = recordedRequest("patch-approved", "item/fileChange/requestApproval");
const command = () => parseApprovalRequest("item/commandExecution/requestApproval", commandParams);

describe("parsing codex's requests", () => {
  it("reads a command approval: argv, offered choices (decline always), the proposed amendment", () => {
    const r = command();
    expect(r.kind).toBe("command");
    expect(r.itemId).toBe("call-cmd");
    expect(r.command?.argv).toBeNull(); // `touch made.txt && echo made-it` is not a simple command
    expect(r.summary).toMatch(/^run `touch made.txt && echo made-it` in \//);
    expect(r.command?.choices).toEqual(["accept", "acceptWithExecpolicyAmendment", "cancel", "decline"]);
    expect(r.command?.amendment).toEqual(["touch", "made.txt"]);
  });

  it("takes a file change's paths from the cached item/started changeset", () => {
    const r = parseApprovalRequest("item/fileChange/requestApproval", patchParams, (id) =>
      id === "call-patch" ? [{ path: "/w/notes.txt", kind: "add" }] : undefined,
    );
    expect(r.summary).toBe("apply a patch: add /w/notes.txt");
    expect(r.fileChange?.changes).toEqual([{ path: "/w/notes.txt", kind: "add" }]);
  });

  it("recognizes MCP tool-call approvals and plain elicitations", () => {
    const tool = parseApprovalRequest("mcpServer/elicitation/request", {
      threadId: "t",
      turnId: "u",
      serverName: "github",
      mode: "form",
      message: 'Allow the github MCP server to run tool "create_issue"?',
      requestedSchema: { type: "object", properties: {} },
      _meta: { codex_approval_kind: "mcp_tool_call", tool_params: { title: "bug" } },
    });
    expect(tool).toMatchObject({
      kind: "mcpToolCall",
      summary: 'call the MCP tool github.create_issue with {"title":"bug"}',
      mcp: { server: "github", tool: "create_issue" },
    });
    const form = parseApprovalRequest("mcpServer/elicitation/request", {
      threadId: "t",
      serverName: "forms",
      mode: "form",
      message: "Your name?",
      requestedSchema: {},
      _meta: null,
    });
    expect(form).toMatchObject({ kind: "mcpElicitation", summary: "forms asks: Your name?" });
  });

  it("splits simple commands into argv and refuses shell syntax", () => {
    expect(commandArgv("/bin/bash -lc 'git status --short'")).toEqual(["git", "status", "--short"]);
    expect(commandArgv(`bash -lc 'echo "a b" c'`)).toEqual(["echo", "a b", "c"]);
    expect(commandArgv("/bin/bash -lc 'rm -rf / ; echo'")).toBeNull();
    expect(commandArgv("/bin/bash -lc 'cat $(whoami)'")).toBeNull();
    expect(commandArgv("/bin/bash -lc 'ls > out'")).toBeNull();
    expect(commandArgv("/bin/bash -lc 'git log | head'")).toBeNull();
    expect(unwrapShell("/bin/bash -lc 'echo '\\''hi'\\'''")).toBe("echo 'hi'");
  });
});

describe("wire replies", () => {
  it("maps decisions to each method's reply", () => {
    const r = command();
    expect(toWireResponse(r, { decision: "accept" })).toEqual({ decision: "accept" });
    expect(toWireResponse(r, { decision: "acceptWithExecpolicyAmendment" })).toEqual({
      decision: { acceptWithExecpolicyAmendment: { execpolicy_amendment: ["touch", "made.txt"] } },
    });
    const perms = parseApprovalRequest("item/permissions/requestApproval", {
      threadId: "t",
      turnId: "u",
      itemId: "i",
      cwd: "/w",
      reason: "needs network",
      permissions: { network: { enabled: true }, fileSystem: null },
    });
    expect(toWireResponse(perms, { decision: "acceptForSession" })).toEqual({
      permissions: { network: { enabled: true } },
      scope: "session",
    });
    expect(toWireResponse(perms, { decision: "decline" })).toEqual({ permissions: {}, scope: "turn" });
    const input = parseApprovalRequest("item/tool/requestUserInput", {
      threadId: "t",
      turnId: "u",
      itemId: "i",
      questions: [
        {
          id: "q1",
          header: "H",
          question: "Which?",
          isOther: false,
          isSecret: false,
          options: [{ label: "A" }],
        },
      ],
    });
    expect(input.userInput?.questions[0]?.options).toEqual(["A"]);
    expect(toWireResponse(input, { decision: "accept", answers: { q1: ["A"] } })).toEqual({
      answers: { q1: { answers: ["A"] } },
    });
    const legacy = parseApprovalRequest("execCommandApproval", {
      conversationId: "t",
      callId: "c",
      command: ["ls"],
      cwd: "/",
    });
    expect(toWireResponse(legacy, { decision: "decline", reason: "no" })).toEqual({
      decision: { denied: { rejection: "no" } },
    });
  });
});

describe("ApprovalBroker", () => {
  it("declines when asked with no handler, and says why", async () => {
    const out = await new ApprovalBroker().decide(command());
    expect(out).toMatchObject({ decidedBy: "no-handler", response: { decision: "decline" } });
  });

  it("applies blanket policies", async () => {
    expect((await new ApprovalBroker({ policy: "accept" }).decide(command())).response).toEqual({
      decision: "accept",
    });
    expect((await new ApprovalBroker({ policy: "decline" }).decide(command())).response).toEqual({
      decision: "decline",
    });
  });

  it("matches rules by command prefix, only for simple commands", async () => {
    const broker = new ApprovalBroker({
      policy: { rules: [{ commandPrefix: ["git", "status"], decision: "accept" }], otherwise: "decline" },
    });
    const simple = parseApprovalRequest("item/commandExecution/requestApproval", {
      threadId: "t",
      turnId: "u",
      itemId: "i",
      command: "/bin/bash -lc 'git status --short'",
      cwd: "/w",
    });
    expect(await broker.decide(simple)).toMatchObject({
      decidedBy: "rule",
      response: { decision: "accept" },
    });
    const chained = parseApprovalRequest("item/commandExecution/requestApproval", {
      threadId: "t",
      turnId: "u",
      itemId: "i",
      command: "/bin/bash -lc 'git status && rm -rf x'",
      cwd: "/w",
    });
    expect(await broker.decide(chained)).toMatchObject({
      decidedBy: "policy",
      response: { decision: "decline" },
    });
  });

  it("asks the handler and reports requested/resolved", async () => {
    const seen: string[] = [];
    const broker = new ApprovalBroker(
      { onRequest: (req) => ({ decision: req.kind === "command" ? "acceptForSession" : "decline" }) },
      {
        onRequested: (r) => seen.push(`requested ${r.kind}`),
        onResolved: (r, o: ApprovalOutcome) =>
          seen.push(`resolved ${r.kind} ${o.decision.decision} by ${o.decidedBy}`),
      },
    );
    const out = await broker.decide(command());
    expect(out.response).toEqual({ decision: "acceptForSession" });
    expect(seen).toEqual(["requested command", "resolved command acceptForSession by handler"]);
  });

  it("declines when the handler throws or returns nonsense", async () => {
    const throwing = new ApprovalBroker({
      onRequest: () => {
        throw new Error("ui crashed");
      },
    });
    const out = await throwing.decide(command());
    expect(out).toMatchObject({ decidedBy: "error", decision: { decision: "decline" } });
    expect(out.decision.reason).toContain("ui crashed");
    const nonsense = new ApprovalBroker({ onRequest: () => ({ decision: "sure" }) as never });
    expect((await nonsense.decide(command())).decidedBy).toBe("error");
  });

  it("declines after the timeout and aborts the handler's signal", async () => {
    let handlerSignal: AbortSignal | undefined;
    const broker = new ApprovalBroker({
      timeoutMs: 20,
      onRequest: (_r, { signal }) => {
        handlerSignal = signal;
        return new Promise(() => {});
      },
    });
    const out = await broker.decide(command());
    expect(out).toMatchObject({ decidedBy: "timeout", response: { decision: "decline" } });
    expect(handlerSignal?.aborted).toBe(true);
    expect(broker.pending).toBe(0);
  });

  it("declines when the request is withdrawn", async () => {
    const controller = new AbortController();
    const broker = new ApprovalBroker({ onRequest: () => new Promise(() => {}) });
    const pending = broker.decide(command(), controller.signal);
    expect(broker.pending).toBe(1);
    controller.abort();
    expect(await pending).toMatchObject({ decidedBy: "aborted", response: { decision: "decline" } });
  });

  it("accepts tool calls of trusted MCP servers without asking", async () => {
    const broker = new ApprovalBroker({ policy: "decline", trustedMcpServers: ["codex-bridge-tools"] });
    const req = parseApprovalRequest("mcpServer/elicitation/request", {
      threadId: "t",
      serverName: "codex-bridge-tools",
      mode: "form",
      message: 'Allow the codex-bridge-tools MCP server to run tool "memory_read"?',
      requestedSchema: {},
      _meta: { codex_approval_kind: "mcp_tool_call" },
    });
    expect(await broker.decide(req)).toMatchObject({
      decidedBy: "trusted",
      response: { action: "accept", content: {}, _meta: null },
    });
  });

  it("accepts MCP tools the host trusts by their annotations, and asks about the rest", async () => {
    const trustedTool = (server: string, _tool: string | null, annotations: Record<string, unknown> | null) =>
      server === "codex-bridge-tools" && annotations?.readOnlyHint === true;
    const broker = new ApprovalBroker({ policy: "decline" }, { trustedTool });
    const ask = (readOnlyHint: boolean) =>
      parseApprovalRequest("mcpServer/elicitation/request", {
        threadId: "t",
        serverName: "codex-bridge-tools",
        mode: "form",
        message: "",
        requestedSchema: {},
        _meta: {
          codex_approval_kind: "mcp_tool_call",
          tool_name: "peek",
          tool_annotations: { readOnlyHint },
        },
      });
    expect(ask(true).mcp?.annotations).toEqual({ readOnlyHint: true });
    expect(await broker.decide(ask(true))).toMatchObject({
      decidedBy: "trusted",
      response: { action: "accept" },
    });
    expect(await broker.decide(ask(false))).toMatchObject({
      decidedBy: "policy",
      response: { action: "decline" },
    });
  });

  it("never answers questions from a blanket policy", async () => {
    const req = parseApprovalRequest("item/tool/requestUserInput", { threadId: "t", questions: [] });
    expect(await new ApprovalBroker({ policy: "accept" }).decide(req)).toMatchObject({
      decidedBy: "no-handler",
    });
  });

  it("rejects bad options by name", () => {
    expect(() => new ApprovalBroker({ timeoutMs: 0 })).toThrow(
      "approvals.timeoutMs must be a number of ms > 0, got 0",
    );
    expect(() => new ApprovalBroker({ policy: "yes" as never })).toThrow(/approvals.policy must be/);
    expect(() => new ApprovalBroker({ policy: { rules: [{ decision: "maybe" as never }] } })).toThrow(
      /rules\[0\].decision/,
    );
  });
});
