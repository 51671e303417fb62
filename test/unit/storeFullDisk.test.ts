// A write the store acknowledged is stored, and a write it could not store
// throws: on a REAL full filesystem (a 1 MB tmpfs), not a mock. Mounting a
// tmpfs needs root (CAP_SYS_ADMIN): the test fails, never skips, when it
// cannot mount; run it as root (CI here does) or in a container that may mount.
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BridgeError } from "../../src/errors.js";
import { writeMemory } from "../../src/store/knowledge.js";
import { BridgeStore } from "../../src/store/store.js";

const mountPoint = mkdtempSync(join(tmpdir(), "codex-bridge-fulldisk-"));
const filler = join(mountPoint, "filler");
const path = join(mountPoint, "bridge.db");
let mounted = false;

beforeAll(() => {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", mountPoint], { stdio: "pipe" });
    mounted = true;
  } catch (err) {
    throw new Error(
      `this test needs a real full filesystem: mounting a 1 MB tmpfs on ${mountPoint} failed ` +
        `(run as root, or where tmpfs may be mounted): ${(err as Error).message}`,
    );
  }
});

afterAll(() => {
  if (mounted) execFileSync("umount", ["-l", mountPoint]);
  rmdirSync(mountPoint);
});

/** Writes to `filler` until the filesystem is full. */
function fillDisk(): void {
  const fd = openSync(filler, "a");
  const block = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
  } finally {
    closeSync(fd);
  }
}

describe("the store on a full disk", () => {
  it("throws STORE_FAILED naming the file, never reuses a sequence number, and replays by cursor without gap or duplicate", () => {
    const store = BridgeStore.open(path);
    try {
      store.createSession({
        id: "s",
        threadId: null,
        cwd: "/",
        model: null,
        title: null,
        status: "idle",
        options: {},
      });
      const payload = { text: "x".repeat(1500) };
      const acked: number[] = [];
      for (let i = 0; i < 10; i++) acked.push(store.appendEvent("s", null, "before", { i, ...payload }));
      fillDisk();

      let failure: unknown;
      for (let i = 0; i < 5000 && failure === undefined; i++) {
        try {
          acked.push(store.appendEvent("s", null, "full", { i, ...payload }));
        } catch (err) {
          failure = err;
        }
      }
      expect(failure, "no write failed although the disk is full").toBeInstanceOf(BridgeError);
      expect((failure as BridgeError).code).toBe("STORE_FAILED");
      expect((failure as BridgeError).message).toContain(path);
      expect((failure as BridgeError).message).toMatch(/full/i);
      // Every number handed out so far is distinct (the old store handed out the same one again).
      expect(new Set(acked).size).toBe(acked.length);
      // A turn cannot start either: startTurn throws rather than returning an index for no row.
      expect(() => store.startTurn("s", "input")).toThrow(BridgeError);

      // The memory store (written by the tool server on the same file) says the same.
      expect(() => writeMemory(store.db, { key: "k", content: "m".repeat(20_000) })).toThrow(
        expect.objectContaining({ code: "STORE_FAILED", message: expect.stringContaining(path) }),
      );

      rmSync(filler);
      const next = store.appendEvent("s", null, "after", payload);
      expect(acked).not.toContain(next);
      expect(next).toBe(Math.max(...acked) + 1);
      acked.push(next);

      // Paging by cursor from a fresh connection: every acknowledged entry exactly once, in order.
      using reader = BridgeStore.open(path);
      const seen: number[] = [];
      let cursor = 0;
      for (;;) {
        const page = reader.readEvents("s", { after: cursor, limit: 7 });
        if (page.length === 0) break;
        seen.push(...page.map((e) => e.seq));
        cursor = page.at(-1)?.seq ?? cursor;
      }
      expect(seen).toEqual(acked);
    } finally {
      store.close();
    }
  });
});
