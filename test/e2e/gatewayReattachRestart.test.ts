// A RemoteRuntime (reconnect on) across a gateway crash: `codex-bridge serve`
// is SIGKILLed in the middle of a turn and started again on the same port.
// The client reconnects by itself; its subscription resumes after the last
// seq it delivered and receives the turn's interruption; the pending
// waitTurn, sent again, answers "interrupted"; the session resumes and the
// next turn works. (The wire-level version is in gatewayProcess.test.ts.)
import { describe, expect, it } from "vitest";
import type { BridgeError } from "../../src/errors.js";
import { connect } from "../../src/runtime/clientNode.js";
import type { RuntimeEvent } from "../../src/runtime/runtime.js";
import { createMockCodexHome, startMockResponses } from "../../src/testing/index.js";
import { contractScript } from "../contract/runtime.js";
import { startGatewayProcess } from "../harness/gatewayProcess.js";
import { tempDir, trackDir } from "../harness/tracking.js";
import { waitFor } from "../harness/waitFor.js";

describe("RemoteRuntime across a gateway crash", () => {
  it("SIGKILL mid-turn, restart on the same port: the client reconnects, sees the turn interrupted, and runs the next turn", async () => {
    const mock = await startMockResponses(contractScript);
    const home = await createMockCodexHome({ providerUrl: mock.url });
    trackDir(home.path);
    await using dir = tempDir("codex-bridge-crash-");
    const options = { codexHome: home.path, bridgeHome: `${dir.path}/home`, dir: dir.path };
    const first = await startGatewayProcess(options);
    const port = new URL(first.url).port;
    const states: string[] = [];
    const drops: BridgeError[] = [];
    const runtime = await connect(first.url, {
      tokenFile: first.tokenFile,
      reconnect: { initialDelayMs: 50, maxDelayMs: 500, maxAttempts: 200 },
      onConnectionState: (state, error) => {
        states.push(state);
        if (error) drops.push(error as BridgeError);
      },
    });
    let second: Awaited<ReturnType<typeof startGatewayProcess>> | undefined;
    try {
      const session = await runtime.startSession({ cwd: dir.path });
      const events: RuntimeEvent[] = [];
      const sub = await runtime.subscribe({ sessionId: session.id }, (e) => events.push(e));
      const turn = await runtime.startTurn({ sessionId: session.id, input: "stall here" });
      await waitFor(() => events.some((e) => e.event.type === "turn.started"), "turn.started", {
        timeoutMs: 120_000,
      });
      const waited = runtime.waitTurn(session.id, turn.turnId);
      const seenBeforeCrash = sub.lastSeq;

      first.child.kill("SIGKILL");
      await waitFor(() => states.includes("reconnecting"), "the client to notice the crash", {
        timeoutMs: 120_000,
      });
      expect(runtime.connected).toBe(false);
      second = await startGatewayProcess({ ...options, listen: `127.0.0.1:${port}` });
      await waitFor(() => states.includes("connected"), "the client to reconnect", { timeoutMs: 120_000 });

      // The pending waitTurn was sent again and answers from the journal.
      expect(await waited).toMatchObject({ status: "interrupted", error: { code: "BRIDGE_EXITED" } });
      // The subscription resumed after its cursor: the interruption arrives, no event twice, none missing.
      await waitFor(
        () => events.some((e) => e.event.type === "turn.completed" && e.turnId === turn.turnId),
        "the interrupted turn.completed",
        { timeoutMs: 120_000 },
      );
      const seqs = events.map((e) => e.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      expect(seqs.at(-1)).toBeGreaterThan(seenBeforeCrash);
      expect(drops[0]?.code).toBe("CONNECTION_CLOSED");

      const listed = (await runtime.listSessions()).find((s) => s.id === session.id);
      expect(listed?.status).toBe("interrupted");
      await runtime.resumeSession(session.id);
      const next = await runtime.startTurn({ sessionId: session.id, input: "hello after the crash" });
      expect(await runtime.waitTurn(session.id, next.turnId)).toMatchObject({
        status: "completed",
        finalText: "hi from mock",
      });
      await sub.close();
    } finally {
      await runtime.close();
      await first.stop();
      await second?.stop();
      await mock.close();
      await home.remove();
    }
  });
});
