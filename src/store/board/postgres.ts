/**
 * The shared board: PostgreSQL, for dispatchers on many machines. Its tables
 * live in the schema `codex_bridge` of the database the URL names. Every
 * write is one transaction that locks the rows it changes (`FOR UPDATE`);
 * claims take ready rows with `FOR UPDATE SKIP LOCKED`, so concurrent
 * dispatchers never wait on, or take, each other's tasks. Times come from the
 * server's clock, so dispatchers on machines whose clocks drift still agree on
 * when a lease expires. Migrations are versioned in
 * `codex_bridge.schema_versions` and run under an advisory lock: dispatchers
 * starting at once against a new database migrate it once.
 *
 * The URL's password never appears in `location` or in an error message.
 */
import type { Pool, PoolClient } from "pg";
import { BridgeError } from "../../errors.js";
import { PG_MIGRATIONS } from "./postgresSchema.js";
import { SqlBoard } from "./sqlBoard.js";
import { type BoardTx, type Row, type TxRunner, backendError } from "./tx.js";
import type { Board } from "./types.js";

export interface PostgresBoardOptions {
  /** The clock (epoch ms); default: the server's clock. Tests move it to expire leases. */
  now?: () => number;
  /** Connections in the pool; default 10. */
  maxConnections?: number;
}

/** The schema version this codex-bridge writes. */
export const POSTGRES_BOARD_SCHEMA = PG_MIGRATIONS.length;

/** `url` with its password (in the authority or a `password=` parameter) replaced by `***`. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    if (u.searchParams.has("password")) u.searchParams.set("password", "***");
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@").replace(/password=[^&]*/g, "password=***");
  }
}

function secretsOf(url: string): string[] {
  try {
    const u = new URL(url);
    return [u.password, decodeURIComponent(u.password), u.searchParams.get("password") ?? ""].filter(
      (s) => s.length >= 3,
    );
  } catch {
    return [];
  }
}

/**
 * Opens the board in the PostgreSQL database at `url`
 * (`postgres://user:password@host:port/database`), creating and migrating its
 * schema when needed. BOARD_FAILED (naming the masked URL) when the server
 * cannot be reached or its schema is newer than this codex-bridge.
 */
export async function openPostgresBoard(url: string, options: PostgresBoardOptions = {}): Promise<Board> {
  const location = maskUrl(url);
  const secrets = secretsOf(url);
  const mask = (s: string) => secrets.reduce((acc, secret) => acc.split(secret).join("***"), s);
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 15_000,
    options: "-c search_path=codex_bridge",
    application_name: "codex-bridge board",
  });
  // An idle connection the server dropped: the next query reconnects; without a listener it would crash the process.
  pool.on("error", () => undefined);
  try {
    await migrate(pool, location);
  } catch (cause) {
    await pool.end().catch(() => undefined);
    throw backendError("open the board", location, cause, mask);
  }
  return new SqlBoard(new PgRunner(pool, location, mask, options.now));
}

async function migrate(pool: Pool, location: string): Promise<void> {
  const client = await pool.connect();
  try {
    // Dispatchers starting at once against a new database: one migrates, the others wait, then see it done.
    await client.query("SELECT pg_advisory_lock(hashtext('codex-bridge board schema'))");
    try {
      await client.query("CREATE SCHEMA IF NOT EXISTS codex_bridge");
      await client.query(
        "CREATE TABLE IF NOT EXISTS codex_bridge.schema_versions (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
      );
      const res = await client.query<{ v: number | null }>(
        "SELECT MAX(version) AS v FROM codex_bridge.schema_versions",
      );
      const current = Number(res.rows[0]?.v ?? 0);
      if (current > PG_MIGRATIONS.length) {
        throw new BridgeError(
          "BOARD_FAILED",
          `the board ${location} was written by a newer codex-bridge (schema ${current}, this one knows ${PG_MIGRATIONS.length}): upgrade codex-bridge`,
        );
      }
      for (let v = current; v < PG_MIGRATIONS.length; v++) {
        await client.query("BEGIN");
        try {
          await client.query("SET LOCAL search_path TO codex_bridge");
          await client.query(PG_MIGRATIONS[v] as string);
          await client.query(
            "INSERT INTO codex_bridge.schema_versions (version, applied_at) VALUES ($1, $2)",
            [v + 1, Date.now()],
          );
          await client.query("COMMIT");
        } catch (err) {
          await client.query("ROLLBACK");
          throw err;
        }
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext('codex-bridge board schema'))");
    }
  } finally {
    client.release();
  }
}

/** `?` placeholders become `$1`, `$2`… (the board's SQL has no `?` anywhere else). */
function numbered(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

/** Deadlocks and serialization failures: the transaction is retried from the start. */
const RETRYABLE = new Set(["40P01", "40001"]);
const ATTEMPTS = 8;

class PgRunner implements TxRunner {
  constructor(
    private readonly pool: Pool,
    readonly location: string,
    private readonly mask: (s: string) => string,
    private readonly clock: (() => number) | undefined,
  ) {}

  private async transaction<T>(what: string, write: boolean, fn: (tx: BoardTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (this.pool.ended) throw new BridgeError("INVALID_STATE", `the board ${this.location} is closed`);
      let client: PoolClient | undefined;
      try {
        client = await this.pool.connect();
        const begin = write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
        const now = this.clock ? this.clock() : await this.serverNow(client, begin);
        if (this.clock) await client.query(begin);
        const result = await fn(this.tx(client, now, write));
        await client.query("COMMIT");
        client.release();
        return result;
      } catch (cause) {
        if (client) {
          // A connection that cannot even roll back is broken: destroy it rather than return it to the pool.
          const broken = await client.query("ROLLBACK").then(
            () => false,
            () => true,
          );
          client.release(broken);
        }
        const code = (cause as { code?: unknown } | null)?.code;
        if (typeof code === "string" && RETRYABLE.has(code) && attempt < ATTEMPTS) {
          await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
          continue;
        }
        throw backendError(what, this.location, cause, this.mask);
      }
    }
  }

  /** BEGIN and the server's clock in one round trip. */
  private async serverNow(client: PoolClient, begin: string): Promise<number> {
    const results = (await client.query(
      `${begin}; SELECT (extract(epoch from clock_timestamp()) * 1000)::bigint AS now`,
    )) as unknown as { rows: Row[] }[];
    return Number(results[1]?.rows[0]?.now);
  }

  private tx(client: PoolClient, now: number, write: boolean): BoardTx {
    return {
      all: async (sql, params = []) => (await client.query(numbered(sql), params as unknown[])).rows as Row[],
      run: async (sql, params = []) => (await client.query(numbered(sql), params as unknown[])).rowCount ?? 0,
      now,
      forUpdate: write ? " FOR UPDATE" : "",
      forShare: write ? " FOR SHARE" : "",
      skipLocked: write ? " FOR UPDATE SKIP LOCKED" : "",
      lockGraph: async () => {
        await client.query("SELECT pg_advisory_xact_lock(hashtext('codex-bridge board graph'))");
      },
    };
  }

  write<T>(what: string, fn: (tx: BoardTx) => Promise<T>): Promise<T> {
    return this.transaction(what, true, fn);
  }

  read<T>(what: string, fn: (tx: BoardTx) => Promise<T>): Promise<T> {
    return this.transaction(what, false, fn);
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}
