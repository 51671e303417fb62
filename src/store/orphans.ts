/**
 * Turns no live process owns: marked `interrupted` with `BRIDGE_EXITED`, a
 * `turn.completed` journalled for replayers, and the session set `idle`
 * unless another of its turns still runs. Runs inside the caller's transaction.
 */
import { json, parse, type Row } from "./records.js";
import { ownerState, parseOwner } from "./owner.js";
import type { Statements } from "./statements.js";

/** Interrupts those of the `running` turn rows whose owner is gone (or unrecorded); returns how many. */
export function interruptOrphans(stmts: Statements, running: Row[], now: number): number {
  let marked = 0;
  for (const r of running) {
    const owner = parseOwner(parse(r.owner_json));
    if (owner && ownerState(owner) !== "gone") continue;
    const sessionId = String(r.session_id);
    const error = {
      code: "BRIDGE_EXITED",
      message: owner
        ? `the process running this turn exited (pid ${owner.pid} on ${owner.host}) before the turn ended`
        : "the process running this turn is unknown (recorded by an earlier codex-bridge) and presumed exited",
    };
    const { changes } = stmts.interruptTurn.run({
      sessionId,
      idx: r.idx,
      error: json(error),
      now,
    });
    if (changes === 0) continue;
    marked++;
    const turnId = (r.turn_id as string | null) ?? null;
    const result = {
      status: "interrupted",
      finalText: "",
      messages: [],
      items: [],
      usage: null,
      error,
      sessionId,
      threadId: (r.thread_id as string | null) ?? "",
      turnId,
    };
    stmts.appendEvent.get({
      sessionId,
      turnId,
      type: "turn.completed",
      payload: json({ sessionId, threadId: result.threadId, turnId, type: "turn.completed", result }),
      refs: null,
      now,
    });
    stmts.settleSession.run({ id: sessionId, now });
  }
  return marked;
}
