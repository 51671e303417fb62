// A throwaway PostgreSQL cluster for tests: the real server (never a mock),
// in a temp dir, on a free port of 127.0.0.1, with its unix socket in the
// temp dir. initdb refuses to run as root, and CI runs as root: then the
// cluster runs as the `postgres` account (Debian's package creates it) in a
// temp dir that account owns. One cluster per test file; `stop()` (or
// `await using`) stops the server and removes the dir, and fails when either
// outlives it. A process exit (a crashed test worker) still kills the server.
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { execa } from "execa";
import pg from "pg";
import { isAlive } from "./tracking.js";

export interface PgCluster {
  readonly port: number;
  readonly dir: string;
  /** The server's pid (the postmaster). */
  readonly pid: number;
  /** A URL of database `db` (trust auth: any password is accepted, for masking tests). */
  url(db: string, password?: string): string;
  /** Creates a fresh database; resolves with its URL. */
  createDatabase(name?: string, password?: string): Promise<string>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** initdb and pg_ctl: on PATH, else the newest /usr/lib/postgresql/<version>/bin. */
export function findPostgresBin(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir !== "" && existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"))) return dir;
  }
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] === undefined) {
    throw new Error(
      "PostgreSQL's server binaries (initdb, pg_ctl) are not on PATH or in /usr/lib/postgresql/*/bin: install postgresql (.ci/run does)",
    );
  }
  return join(root, versions[0], "bin");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const live = new Set<{ pid: number; dir: string }>();
process.once("exit", () => {
  for (const c of live) {
    try {
      process.kill(c.pid, "SIGQUIT");
    } catch {
      // already gone
    }
    rmSync(c.dir, { recursive: true, force: true });
  }
});

export async function startPostgres(): Promise<PgCluster> {
  const bin = findPostgresBin();
  const dir = mkdtempSync(join(tmpdir(), "codex-bridge-pg-"));
  const asRoot = process.getuid?.() === 0;
  // As root, everything runs as `postgres`, which must own the dir.
  const run = (cmd: string, args: string[]) =>
    asRoot
      ? execa("runuser", ["-u", "postgres", "--", join(bin, cmd), ...args])
      : execa(join(bin, cmd), args);
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  try {
    await run("initdb", [
      "-D",
      data,
      "--username=postgres",
      "--auth=trust",
      "--no-sync",
      "-E",
      "UTF8",
      "--locale=C",
    ]);
    let port = 0;
    for (let tries = 1; ; tries++) {
      port = await freePort();
      const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
      try {
        await run("pg_ctl", [
          "-D",
          data,
          "-l",
          join(dir, "server.log"),
          "-w",
          "-t",
          "120",
          "-o",
          opts,
          "start",
        ]);
        break;
      } catch (err) {
        // Another process took the port between freePort and the server's bind: try another.
        if (tries >= 3) throw err;
      }
    }
    const pid = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
    const entry = { pid, dir };
    live.add(entry);
    let n = 0;
    const url = (db: string, password?: string) =>
      `postgres://postgres${password ? `:${encodeURIComponent(password)}` : ""}@127.0.0.1:${port}/${db}`;
    const stop = async () => {
      if (!live.has(entry)) return;
      live.delete(entry);
      await run("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]).catch(() => {
        if (isAlive(pid)) process.kill(pid, "SIGQUIT");
      });
      for (let i = 0; i < 600 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      if (isAlive(pid)) throw new Error(`the PostgreSQL server ${pid} outlived its cluster`);
      if (existsSync(dir)) throw new Error(`the PostgreSQL cluster dir ${dir} outlived its cluster`);
    };
    return {
      port,
      dir,
      pid,
      url,
      async createDatabase(name = `board_${process.pid}_${n++}`, password?: string) {
        const client = new pg.Client({ connectionString: url("postgres") });
        await client.connect();
        try {
          await client.query(`CREATE DATABASE "${name}"`);
        } finally {
          await client.end();
        }
        return url(name, password);
      },
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (err) {
    const log = existsSync(join(dir, "server.log"))
      ? readFileSync(join(dir, "server.log"), "utf8").slice(-2000)
      : "";
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot start a throwaway PostgreSQL cluster: ${(err as Error).message}\n${log}`);
  }
}
