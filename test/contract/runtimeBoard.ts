// The Runtime's board operations (`board*`), one suite run against every
// runtime that has a board: LocalRuntime over a SQLite board, and
// RemoteRuntime over WebSocket and stdio (a `codex-bridge serve` process,
// whose board is $CODEX_BRIDGE_HOME/board.db). No codex turn is needed: the
// board is the runtime's, not codex's.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../src/runtime/runtime.js";
import type { TaskEvent } from "../../src/store/board/types.js";
import { waitFor } from "../harness/waitFor.js";
import { rejection } from "./runtime.js";

export interface BoardTarget {
  runtime: Runtime;
  close(): Promise<void>;
}

/** `make(dir)` builds a runtime whose board lives under the temp directory `dir`. */
export function runtimeBoardContract(name: string, make: (dir: string) => Promise<BoardTarget>): void {
  describe(`Runtime board contract: ${name}`, () => {
    let dir: string;
    let target: BoardTarget;
    let runtime: Runtime;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "codex-bridge-runtime-board-"));
      target = await make(dir);
      runtime = target.runtime;
    });

    afterAll(async () => {
      await target?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it("says it has a board, and a task goes through create, comment, block, unblock and cancel", async () => {
      expect((await runtime.capabilities()).board).toBe(true);
      const first = await runtime.boardCreate({ title: "write the report", body: "two pages", priority: 2 });
      expect(first).toMatchObject({
        title: "write the report",
        body: "two pages",
        priority: 2,
        status: "ready",
      });
      const second = await runtime.boardCreate({ title: "send it", dependsOn: [first.id] });
      expect(second).toMatchObject({ status: "todo", dependsOn: [first.id] });

      const listed = await runtime.boardList();
      expect(listed.map((t) => t.id)).toEqual(expect.arrayContaining([first.id, second.id]));
      expect((await runtime.boardList({ status: "todo" })).map((t) => t.id)).toEqual([second.id]);
      expect(await runtime.boardGet(first.id)).toMatchObject({ id: first.id, title: "write the report" });

      const commented = await runtime.boardComment(first.id, "use the new numbers");
      expect(commented.comments.at(-1)).toMatchObject({ text: "use the new numbers" });
      expect(await runtime.boardBlock(first.id, "waiting for numbers")).toMatchObject({
        status: "blocked",
        reason: "waiting for numbers",
      });
      expect((await runtime.boardUnblock(first.id, "numbers are in")).status).toBe("ready");
      expect((await runtime.boardCancel(second.id)).status).toBe("cancelled");
    });

    it("refuses an unknown task and bad input with the board's codes", async () => {
      expect((await rejection(runtime.boardGet("0123456789ab"))).code).toBe("NOT_FOUND");
      expect((await rejection(runtime.boardComment("0123456789ab", "x"))).code).toBe("NOT_FOUND");
      expect((await rejection(runtime.boardCreate({ title: " " }))).code).toBe("INVALID_OPTION");
      const done = await runtime.boardCreate({ title: "short-lived" });
      await runtime.boardCancel(done.id);
      expect((await rejection(runtime.boardBlock(done.id, "too late"))).code).toBe("INVALID_STATE");
    });

    it("boardSubscribe replays the events after its cursor, then delivers new ones live, in order", async () => {
      const before = await runtime.boardCreate({ title: "seen in the replay" });
      const seen: TaskEvent[] = [];
      const sub = await runtime.boardSubscribe(0, (e) => seen.push(e));
      await waitFor(() => seen.some((e) => e.taskId === before.id), "the replayed create");
      const live = await runtime.boardCreate({ title: "seen live" });
      await runtime.boardComment(live.id, "and its comment");
      await waitFor(() => seen.some((e) => e.taskId === live.id && e.type === "comment"), "the live comment");
      const seqs = seen.map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
      // A second subscription from the first's last cursor sees nothing it already had.
      const cursor = seqs.at(-1) ?? 0;
      const after: TaskEvent[] = [];
      const sub2 = await runtime.boardSubscribe(cursor, (e) => after.push(e));
      await runtime.boardComment(live.id, "one more");
      await waitFor(() => after.length > 0, "the event after the cursor");
      expect(after.every((e) => e.seq > cursor)).toBe(true);
      await sub.close();
      await sub2.close();
    });
  });
}
