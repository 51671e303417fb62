// How the store opens: private files (0600 in a 0700 folder), and failures
// that say what and where (STORE_FAILED, LOCKED) instead of INVALID_OPTION.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { BridgeError } from "../../src/errors.js";
import { BridgeStore } from "../../src/store/store.js";

const dir = mkdtempSync(join(tmpdir(), "codex-bridge-storeopen-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const savedHome = process.env.CODEX_BRIDGE_HOME;
afterEach(() => {
  if (savedHome === undefined) delete process.env.CODEX_BRIDGE_HOME;
  else process.env.CODEX_BRIDGE_HOME = savedHome;
});

const mode = (p: string) => statSync(p).mode & 0o777;

function catchError(fn: () => unknown): BridgeError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BridgeError);
    return err as BridgeError;
  }
  throw new Error("expected an error");
}

function write(store: BridgeStore) {
  store.createSession({
    id: "s",
    threadId: null,
    cwd: "/",
    model: null,
    title: null,
    status: "idle",
    options: {},
  });
  store.appendEvent("s", null, "x", {});
}

describe("store files are private", () => {
  it("creates the folder 0700 and the database, -wal and -shm 0600", () => {
    const path = join(dir, "fresh", "nested", "bridge.db");
    using store = BridgeStore.open(path);
    write(store);
    expect(mode(join(dir, "fresh", "nested"))).toBe(0o700);
    for (const f of [path, `${path}-wal`, `${path}-shm`]) expect(mode(f), f).toBe(0o600);
  });

  it("tightens an existing looser home folder and store files", () => {
    const home = join(dir, "home");
    process.env.CODEX_BRIDGE_HOME = home;
    const path = join(home, "bridge.db");
    BridgeStore.open(path).close();
    chmodSync(home, 0o755);
    chmodSync(path, 0o644);
    writeFileSync(`${path}-wal`, "");
    chmodSync(`${path}-wal`, 0o666);
    using store = BridgeStore.open(path);
    write(store);
    expect(mode(home)).toBe(0o700);
    for (const f of [path, `${path}-wal`, `${path}-shm`]) expect(mode(f), f).toBe(0o600);
  });

  it("leaves alone an existing folder that is not the bridge's home", () => {
    const project = join(dir, "project");
    mkdirSync(project, { mode: 0o755 });
    chmodSync(project, 0o755);
    BridgeStore.open(join(project, "bridge.db")).close();
    expect(mode(project)).toBe(0o755);
    expect(mode(join(project, "bridge.db"))).toBe(0o600);
  });
});

describe("store errors", () => {
  it("a file that is not a database is STORE_FAILED and names the file", () => {
    const path = join(dir, "garbage.db");
    writeFileSync(path, "this is not sqlite ".repeat(100));
    const err = catchError(() => BridgeStore.open(path));
    expect(err.code).toBe("STORE_FAILED");
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/not a database/);
  });

  it("a path that cannot be created is STORE_FAILED and names the file", () => {
    const blocker = join(dir, "a-file");
    writeFileSync(blocker, "");
    const path = join(blocker, "bridge.db");
    const err = catchError(() => BridgeStore.open(path));
    expect(err.code).toBe("STORE_FAILED");
    expect(err.message).toContain(path);
  });

  it("a folder that cannot be made (under /proc) is STORE_FAILED at once, not an endless mkdir loop", async () => {
    // In a child with a time limit: the old mkdirSync(…, {recursive: true}) spins forever, synchronously.
    const db = fileURLToPath(new URL("../../dist/store/db.js", import.meta.url));
    const script = `import(${JSON.stringify(db)}).then((m) => { try { m.openDatabase("/proc/nope/bridge.db"); } catch (e) { console.log(e.code + " " + e.message); } })`;
    const run = await execa(process.execPath, ["-e", script], { reject: false, timeout: 20_000 });
    expect(run.timedOut, "openDatabase never returned").toBe(false);
    expect(run.stdout).toMatch(/^STORE_FAILED .*\/proc\/nope\/bridge\.db/);
  }, 30_000);

  it("a directory in place of the file is STORE_FAILED", () => {
    const path = join(dir, "adir.db");
    mkdirSync(path);
    const err = catchError(() => BridgeStore.open(path));
    expect(err.code).toBe("STORE_FAILED");
    expect(err.message).toContain(path);
  });

  it("a write blocked by another process's lock past the busy timeout is LOCKED and names the file", () => {
    const path = join(dir, "locked.db");
    using store = BridgeStore.open(path);
    write(store);
    const other = new Database(path);
    other.exec("BEGIN IMMEDIATE");
    try {
      const err = catchError(() => store.appendEvent("s", null, "y", {}));
      expect(err.code).toBe("LOCKED");
      expect(err.message).toContain(path);
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    // Once the lock is gone the store writes again, with the next number.
    expect(store.appendEvent("s", null, "z", {})).toBe(2);
  }, 30_000);
});
