// A throwaway PostgreSQL cluster for benchmarks (the same recipe as
// test/harness/postgres.ts, which the test suite uses; bench/ runs plain
// Node and cannot import TypeScript): temp dir, free port, socket in the
// dir, the `postgres` account when run as root.
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

function bin() {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"))) return dir;
  }
  const root = "/usr/lib/postgresql";
  const v = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a))[0] : undefined;
  if (!v) throw new Error("initdb/pg_ctl not found: install PostgreSQL's server binaries");
  return join(root, v, "bin");
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

export async function startPostgres() {
  const dir = mkdtempSync(join(tmpdir(), "codex-bridge-bench-pg-"));
  const root = process.getuid?.() === 0;
  const run = (cmd, args) =>
    execFileSync(
      root ? "runuser" : join(bin(), cmd),
      root ? ["-u", "postgres", "--", join(bin(), cmd), ...args] : args,
      {
        stdio: "ignore",
      },
    );
  if (root) {
    const id = (flag) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, id("-u"), id("-g"));
  }
  const data = join(dir, "data");
  const port = await freePort();
  try {
    run("initdb", [
      "-D",
      data,
      "--username=postgres",
      "--auth=trust",
      "--no-sync",
      "-E",
      "UTF8",
      "--locale=C",
    ]);
    // Durable settings (fsync on): a benchmark should pay what a real server pays.
    const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100`;
    run("pg_ctl", ["-D", data, "-l", join(dir, "log"), "-w", "-o", opts, "start"]);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: (db) => `postgres://postgres@127.0.0.1:${port}/${db}`,
    stop() {
      try {
        run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
