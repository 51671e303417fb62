// The Runtime contract: one suite, run against every implementation
// (LocalRuntime in-process; RemoteRuntime over WebSocket and stdio). Real
// codex, the scripted model, CODEX_HOME and the bridge's store in temp dirs.
//
// The model's script answers by the prompt, so one model serves every test:
//   "hello …"           → a plain answer ("hi from mock")
//   "cmd:<command>"     → runs the command, then answers "ran it"
//   "stall …"           → a response that never finishes (for cancel)
//   "slow …"            → a slowly streamed answer; a later request that carries
//                          a steered input is answered "steered: <that input>"
//   "many:<n>"          → an answer streamed as n deltas
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BridgeError } from "../../src/errors.js";
import type { Runtime, RuntimeEvent, Subscription } from "../../src/runtime/runtime.js";
import {
  createMockCodexHome,
  item,
  type MockCodexHome,
  type MockRequest,
  type MockResponsesServer,
  reply,
  respond,
  startMockResponses,
} from "../../src/testing/index.js";

/** Where the runtime under test keeps its state; `make` builds a runtime on it. */
export interface ContractEnv {
  /** CODEX_HOME pointing codex at the scripted model. */
  codexHome: string;
  /** CODEX_BRIDGE_HOME: the store is `bridge.db` in it. */
  bridgeHome: string;
  storePath: string;
  /** A working directory for sessions. */
  workdir: string;
  mock: MockResponsesServer;
}

export interface ContractTarget {
  runtime: Runtime;
  /** Closes the runtime and whatever it runs on (its bridge, the gateway process…), keeping the env. */
  close(): Promise<void>;
}

const STEER_WORD = "STEERED-INPUT";

function textOf(entry: Record<string, unknown> | undefined): string {
  const content = entry?.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((c: { text?: unknown }) => (typeof c.text === "string" ? c.text : "")).join("");
}

/**
 * The prompt of the turn a request belongs to: the last user message that is
 * neither codex's own context (`<environment_context>` …) nor a steer.
 */
function promptOf(request: MockRequest): { prompt: string; toolOutputs: number; steered: string | null } {
  const input = request.body.input ?? [];
  const isUser = (e: Record<string, unknown> | undefined) => e?.type === "message" && e.role === "user";
  let at = -1;
  for (let i = input.length - 1; i >= 0; i--) {
    const text = textOf(input[i]);
    if (isUser(input[i]) && !text.startsWith("<") && !text.includes(STEER_WORD)) {
      at = i;
      break;
    }
  }
  const after = input.slice(at + 1);
  const steered = after
    .filter(isUser)
    .map(textOf)
    .find((t) => t.includes(STEER_WORD));
  return {
    prompt: at >= 0 ? textOf(input[at]) : "",
    toolOutputs: after.filter((e) => e.type === "function_call_output").length,
    steered: steered ?? null,
  };
}

/** The contract's model. */
export function contractScript(request: MockRequest) {
  const { prompt, toolOutputs, steered } = promptOf(request);
  if (steered) return reply.text(`steered: ${steered}`);
  if (prompt.startsWith("cmd:")) {
    return toolOutputs === 0 ? reply.execCommand(prompt.slice(4)) : reply.text("ran it");
  }
  if (prompt.startsWith("stall")) return reply.stall();
  if (prompt.startsWith("slow"))
    return respond([item.message("slowly streamed answer", { deltas: 12 })], { eventDelayMs: 250 });
  if (prompt.startsWith("many:")) {
    const n = Number(prompt.slice(5)) || 10;
    return respond([item.message("x".repeat(n), { deltas: n })]);
  }
  return reply.text("hi from mock");
}

async function makeEnv(): Promise<ContractEnv & { remove(): Promise<void> }> {
  const mock = await startMockResponses(contractScript);
  const home: MockCodexHome = await createMockCodexHome({ providerUrl: mock.url });
  const workdir = await mkdtemp(join(tmpdir(), "codex-bridge-contract-"));
  const bridgeHome = join(workdir, ".bridge");
  return {
    codexHome: home.path,
    bridgeHome,
    storePath: join(bridgeHome, "bridge.db"),
    workdir,
    mock,
    async remove() {
      await mock.close();
      await home.remove();
      await rm(workdir, { recursive: true, force: true });
    },
  };
}

/** Follows a session, keeping every event; `until` waits for one that matches. */
async function follow(runtime: Runtime, sessionId: string, after = 0) {
  const events: RuntimeEvent[] = [];
  const waiters = new Set<() => void>();
  const sub: Subscription = await runtime.subscribe({ sessionId, after }, (e) => {
    events.push(e);
    for (const w of [...waiters]) w();
  });
  const until = (pred: (e: RuntimeEvent) => boolean, timeoutMs = 90_000) =>
    new Promise<RuntimeEvent>((resolve, reject) => {
      const check = () => {
        const hit = events.find(pred);
        if (!hit) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(
            `no matching event within ${timeoutMs} ms; got ${events.map((e) => e.event.type).join(",")}`,
          ),
        );
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { events, sub, until };
}

/** The BridgeError a promise rejects with (failing the test if it resolves or throws anything else). */
export async function rejection(promise: Promise<unknown>): Promise<BridgeError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, "expected a rejection").toBeInstanceOf(BridgeError);
  return err as BridgeError;
}

function expectContiguous(events: RuntimeEvent[], from: number): void {
  const seqs = events.map((e) => e.seq);
  expect(seqs).toEqual(seqs.map((_, i) => from + i));
}

const completedOf = (turnId: string | null) => (e: RuntimeEvent) =>
  e.event.type === "turn.completed" && (turnId === null || e.turnId === turnId);

/**
 * The suite. `make(env)` builds a runtime on `env` (called again after
 * `close()` for the resume test: a restart on the same store and CODEX_HOME).
 * `options.board`: whether the target has a kanban board (a gateway always
 * serves one); without one, every board control must be UNSUPPORTED.
 */
export function runtimeContract(
  name: string,
  make: (env: ContractEnv) => Promise<ContractTarget>,
  options: { board: boolean },
): void {
  describe(`Runtime contract: ${name}`, () => {
    let env: ContractEnv & { remove(): Promise<void> };
    let target: ContractTarget;
    let runtime: Runtime;
    const start = (extra: Parameters<Runtime["startSession"]>[0] = {}) =>
      runtime.startSession({ cwd: env.workdir, ...extra });

    beforeAll(async () => {
      env = await makeEnv();
      target = await make(env);
      runtime = target.runtime;
    });

    afterAll(async () => {
      await target?.close();
      await env?.remove();
    });

    it("capabilities name the runtime and what it can do", async () => {
      const caps = await runtime.capabilities();
      expect(caps.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(caps.codexVersion).toBe("0.169.0");
      expect(caps).toMatchObject({ cancel: true, steer: true, resume: true, approvals: true, replay: true });
    });

    it("starts a session, runs a turn, lists and reads it", async () => {
      const summary = await start({ title: "contract hello" });
      expect(summary).toMatchObject({ status: "idle", title: "contract hello", cwd: env.workdir });
      const started = await runtime.startTurn({ sessionId: summary.id, input: "hello there" });
      expect(started.sessionId).toBe(summary.id);
      expect(started.turnId).toEqual(expect.any(String));
      const result = await runtime.waitTurn(summary.id, started.turnId);
      expect(result).toMatchObject({
        status: "completed",
        finalText: "hi from mock",
        turnId: started.turnId,
      });
      // A finished turn can be waited for again (from the journal).
      expect(await runtime.waitTurn(summary.id)).toMatchObject({ finalText: "hi from mock" });
      const listed = (await runtime.listSessions()).find((s) => s.id === summary.id);
      expect(listed?.status).toBe("idle");
      expect(listed?.lastSeq).toBeGreaterThan(started.afterSeq);
      const detail = await runtime.readSession(summary.id);
      expect(detail.transcript).toEqual([
        { role: "user", content: "hello there" },
        { role: "assistant", content: "hi from mock" },
      ]);
      expect(detail.pendingApprovals).toEqual([]);
    });

    it("subscribe after a cursor: the replay, then live events, each exactly once and in order", async () => {
      const s = await start();
      const first = await runtime.startTurn({ sessionId: s.id, input: "many:30" });
      await runtime.waitTurn(s.id, first.turnId);
      const { lastSeq } = await runtime.readSession(s.id);
      const cursor = Math.floor(lastSeq / 2);
      const mid = await follow(runtime, s.id, cursor);
      const all = await follow(runtime, s.id);
      const second = await runtime.startTurn({ sessionId: s.id, input: "many:40" });
      expect(second.afterSeq).toBe(lastSeq);
      await mid.until(completedOf(second.turnId));
      await all.until(completedOf(second.turnId));
      expectContiguous(mid.events, cursor + 1);
      expectContiguous(all.events, 1);
      expect(all.events.slice(cursor)).toEqual(mid.events);
      expect(mid.events.every((e) => e.sessionId === s.id)).toBe(true);
      const deltas = all.events.filter((e) => e.turnId === second.turnId && e.event.type === "text.delta");
      expect(deltas.map((e) => (e.event as { delta: string }).delta).join("")).toBe("x".repeat(40));
      await mid.sub.close();
      await all.sub.close();
      expect(await mid.sub.closed).toBeNull();
    });

    it("approvals: every subscriber sees the request; the first answer wins; both see it resolved (accept)", async () => {
      const s = await start({ codexApprovalPolicy: "untrusted", sandbox: "danger-full-access" });
      const a = await follow(runtime, s.id);
      const b = await follow(runtime, s.id);
      const turn = await runtime.startTurn({ sessionId: s.id, input: "cmd:echo yes > accepted.txt" });
      const pending = await a.until((e) => e.event.type === "approval.pending");
      await b.until((e) => e.event.type === "approval.pending");
      const approval = (pending.event as { approval: { id: string; request: { kind: string } } }).approval;
      expect(approval.request.kind).toBe("command");
      expect((await runtime.readSession(s.id)).pendingApprovals.map((p) => p.id)).toEqual([approval.id]);
      await runtime.respondApproval(approval.id, { decision: "accept" });
      const late = await rejection(runtime.respondApproval(approval.id, { decision: "decline" }));
      expect(late.code).toBe("INVALID_STATE");
      for (const f of [a, b]) {
        const resolved = await f.until((e) => e.event.type === "approval.resolved");
        expect(resolved.event).toMatchObject({ decision: { decision: "accept" }, decidedBy: "handler" });
      }
      expect(await runtime.waitTurn(s.id, turn.turnId)).toMatchObject({
        status: "completed",
        finalText: "ran it",
      });
      expect(existsSync(join(env.workdir, "accepted.txt"))).toBe(true);
      expect((await runtime.readSession(s.id)).pendingApprovals).toEqual([]);
      await a.sub.close();
      await b.sub.close();
    });

    it("approvals: a decline stops the command", async () => {
      const s = await start({ codexApprovalPolicy: "untrusted", sandbox: "danger-full-access" });
      const a = await follow(runtime, s.id);
      const turn = await runtime.startTurn({ sessionId: s.id, input: "cmd:echo no > declined.txt" });
      const pending = await a.until((e) => e.event.type === "approval.pending");
      await runtime.respondApproval((pending.event as { approval: { id: string } }).approval.id, {
        decision: "decline",
      });
      await a.until(completedOf(turn.turnId));
      expect(existsSync(join(env.workdir, "declined.txt"))).toBe(false);
      const command = a.events.find(
        (e) =>
          e.event.type === "item.completed" &&
          (e.event as { item: { type: string } }).item.type === "commandExecution",
      );
      expect((command?.event as unknown as { item: { status: string } }).item.status).toBe("declined");
      await a.sub.close();
    });

    it("approvals: with no client subscribed, the request is declined at once (fail closed)", async () => {
      const s = await start({ codexApprovalPolicy: "untrusted", sandbox: "danger-full-access" });
      const turn = await runtime.startTurn({
        sessionId: s.id,
        input: "cmd:echo unattended > unattended.txt",
      });
      await runtime.waitTurn(s.id, turn.turnId);
      expect(existsSync(join(env.workdir, "unattended.txt"))).toBe(false);
      const replay = await follow(runtime, s.id);
      const resolved = await replay.until((e) => e.event.type === "approval.resolved");
      expect(resolved.event).toMatchObject({ decision: { decision: "decline" }, decidedBy: "handler" });
      expect(JSON.stringify(resolved.event)).toMatch(/no client is subscribed/);
      await replay.sub.close();
    });

    it("an accept policy answers without any client", async () => {
      const s = await start({
        codexApprovalPolicy: "untrusted",
        sandbox: "danger-full-access",
        approvalPolicy: "accept",
      });
      const turn = await runtime.startTurn({ sessionId: s.id, input: "cmd:echo policy > policy.txt" });
      expect(await runtime.waitTurn(s.id, turn.turnId)).toMatchObject({ status: "completed" });
      expect(existsSync(join(env.workdir, "policy.txt"))).toBe(true);
    });

    it("cancel interrupts the running turn; cancel with no turn running is refused", async () => {
      const s = await start();
      const a = await follow(runtime, s.id);
      const turn = await runtime.startTurn({ sessionId: s.id, input: "stall please" });
      await runtime.cancelTurn(s.id);
      expect(await runtime.waitTurn(s.id, turn.turnId)).toMatchObject({ status: "interrupted" });
      await a.until(completedOf(turn.turnId));
      expect((await rejection(runtime.cancelTurn(s.id))).code).toBe("INVALID_STATE");
      // The session goes on.
      const next = await runtime.startTurn({ sessionId: s.id, input: "hello again" });
      expect(await runtime.waitTurn(s.id, next.turnId)).toMatchObject({
        status: "completed",
        finalText: "hi from mock",
      });
      await a.sub.close();
    });

    it("steer adds input to the running turn; steer with no turn running is refused", async () => {
      const s = await start();
      const turn = await runtime.startTurn({ sessionId: s.id, input: "slow please" });
      await runtime.steerTurn(s.id, `also this: ${STEER_WORD}`);
      const result = await runtime.waitTurn(s.id, turn.turnId);
      expect(result.status).toBe("completed");
      expect(result.finalText).toContain(STEER_WORD);
      expect((await rejection(runtime.steerTurn(s.id, "late"))).code).toBe("INVALID_STATE");
    });

    it("unknown ids: NOT_FOUND for sessions, turns, approvals and subscriptions to them", async () => {
      const missing = "00000000-0000-0000-0000-000000000000";
      // Thunks, awaited one at a time: a call made before the previous one is awaited would
      // reject with nothing listening and count as an unhandled rejection.
      const calls: Array<() => Promise<unknown>> = [
        () => runtime.readSession(missing),
        () => runtime.resumeSession(missing),
        () => runtime.startTurn({ sessionId: missing, input: "hello" }),
        () => runtime.waitTurn(missing),
        () => runtime.cancelTurn(missing),
        () => runtime.steerTurn(missing, "x"),
        () => runtime.closeSession(missing),
        () => runtime.respondApproval("no-such-approval", { decision: "accept" }),
        () => runtime.subscribe({ sessionId: missing }, () => undefined),
      ];
      for (const call of calls) {
        expect((await rejection(call())).code).toBe("NOT_FOUND");
      }
      const s = await start();
      expect((await rejection(runtime.waitTurn(s.id, "no-such-turn"))).code).toBe("NOT_FOUND");
    });

    it("close ends its subscriptions; a closed session refuses turns until resumed", async () => {
      const s = await start();
      // codex keeps a thread (its rollout) from its first turn on: only such a thread can be resumed.
      await runtime.waitTurn(
        s.id,
        (await runtime.startTurn({ sessionId: s.id, input: "hello first" })).turnId,
      );
      const a = await follow(runtime, s.id);
      await runtime.closeSession(s.id);
      expect(await a.sub.closed).toBeNull();
      expect((await runtime.readSession(s.id)).status).toBe("closed");
      expect((await rejection(runtime.startTurn({ sessionId: s.id, input: "hello" }))).code).toBe(
        "INVALID_STATE",
      );
      await runtime.resumeSession(s.id);
      const turn = await runtime.startTurn({ sessionId: s.id, input: "hello after close" });
      expect(await runtime.waitTurn(s.id, turn.turnId)).toMatchObject({ status: "completed" });
    });

    it("capabilities say whether the runtime has a board", async () => {
      expect((await runtime.capabilities()).board).toBe(options.board);
    });

    // A target with a board runs the board's own suite (test/contract/runtimeBoard.ts).
    if (!options.board)
      it("board controls without a board are UNSUPPORTED and name the control", async () => {
        const calls: Array<[string, () => Promise<unknown>]> = [
          ["board.create", () => runtime.boardCreate({ title: "t" })],
          ["board.list", () => runtime.boardList()],
          ["board.get", () => runtime.boardGet("t1")],
          ["board.comment", () => runtime.boardComment("t1", "c")],
          ["board.block", () => runtime.boardBlock("t1", "r")],
          ["board.unblock", () => runtime.boardUnblock("t1", "n")],
          ["board.cancel", () => runtime.boardCancel("t1")],
          ["board.subscribe", () => runtime.boardSubscribe(0, () => undefined)],
        ];
        for (const [control, call] of calls) {
          const err = await rejection(call());
          expect(err.code).toBe("UNSUPPORTED");
          expect(err.details.control).toBe(control);
          expect(err.message).toContain(control);
        }
      });

    it("resume after the runtime closed: a new runtime on the same store continues the thread", async () => {
      const s = await start();
      const first = await runtime.startTurn({ sessionId: s.id, input: "hello before restart" });
      await runtime.waitTurn(s.id, first.turnId);
      await target.close();
      target = await make(env);
      runtime = target.runtime;
      expect((await runtime.listSessions()).map((x) => x.id)).toContain(s.id);
      // The old turn's result is still there (from the journal).
      expect(await runtime.waitTurn(s.id, first.turnId)).toMatchObject({ finalText: "hi from mock" });
      expect((await rejection(runtime.startTurn({ sessionId: s.id, input: "hello" }))).code).toBe(
        "INVALID_STATE",
      );
      const resumed = await runtime.resumeSession(s.id);
      expect(resumed.threadId).toBe(s.threadId);
      const before = env.mock.requests.length;
      const next = await runtime.startTurn({ sessionId: s.id, input: "hello after restart" });
      expect(await runtime.waitTurn(s.id, next.turnId)).toMatchObject({ status: "completed" });
      // codex continued the same conversation: the new request carries the old prompt.
      const body = JSON.stringify(env.mock.requests.slice(before).map((r) => r.body.input));
      expect(body).toContain("hello before restart");
    });
  });
}
