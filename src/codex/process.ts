/**
 * The `codex app-server` subprocess: spawn with the right environment, keep
 * the tail of its stderr for error messages, and shut it down without ever
 * leaving an orphan (end stdin → grace → SIGTERM → grace → SIGKILL).
 *
 * codex runs in its own process group (and session): a Ctrl-C at the
 * terminal goes to the terminal's foreground group, i.e. the host only, which
 * then interrupts the turn through the protocol instead of codex dying of the
 * signal. It still dies with the host: it exits on stdin EOF (the host's
 * death closes the pipe), and an exit hook signals its whole group.
 */
import { once } from "node:events";
import { execa, type ResultPromise } from "execa";
import { BridgeError } from "../errors.js";
import { type ConnectionOptions, JsonRpcConnection } from "../jsonrpc/connection.js";
import { redactSecrets } from "../util/redact.js";
import { RingBuffer } from "../util/ringBuffer.js";
import { type TomlValue, tomlValue } from "../util/toml.js";
import { type CodexBinary, resolveCodexBinary } from "./binary.js";

export interface AppServerProcessOptions {
  /** Explicit codex binary; see {@link resolveCodexBinary} for the default search. */
  codexBin?: string;
  /** CODEX_HOME for the child. Default: inherited (codex then uses ~/.codex). HOME is never changed. */
  codexHome?: string;
  /** `-c key=value` overrides, values encoded as TOML. Default none. */
  configOverrides?: Record<string, TomlValue>;
  /** Working directory of the process. Default `process.cwd()`. */
  cwd?: string;
  /** Extra environment for the child, merged over `process.env`. Setting HOME is refused. */
  env?: Record<string, string | undefined>;
  /** Aborting it shuts the process down. */
  signal?: AbortSignal;
  /** Wait after ending stdin, and again after SIGTERM, before escalating. Default 2000 ms. */
  shutdownGraceMs?: number;
  /** stderr lines kept for error messages. Default 500. */
  stderrLines?: number;
  /** Passed to the JSON-RPC connection (line size limit, default request timeout). */
  connection?: Pick<ConnectionOptions, "maxLineBytes" | "requestTimeoutMs">;
}

export interface ExitInfo {
  exitCode: number | null;
  signal: string | null;
}

const DEFAULT_GRACE_MS = 2000;
const STDERR_TAIL_IN_ERRORS = 20;
const MAX_STDERR_LINE = 4096;

/** A running `codex app-server` with its JSON-RPC connection open (not yet initialized). */
export class AppServerProcess {
  readonly binary: CodexBinary;
  readonly connection: JsonRpcConnection;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ExitInfo>;
  readonly #child: ResultPromise;
  readonly #stderr: RingBuffer<string>;
  readonly #stderrListeners = new Set<(line: string) => void>();
  readonly #graceMs: number;
  #exitInfo: ExitInfo | undefined;
  #closing: Promise<ExitInfo> | undefined;

  private constructor(binary: CodexBinary, child: ResultPromise, options: AppServerProcessOptions) {
    this.binary = binary;
    this.#child = child;
    this.#graceMs = options.shutdownGraceMs ?? DEFAULT_GRACE_MS;
    this.#stderr = new RingBuffer(options.stderrLines ?? 500);
    this.#collectStderr();
    if (!child.stdout || !child.stdin)
      throw new BridgeError("SPAWN_FAILED", "codex app-server has no stdio pipes");
    this.connection = new JsonRpcConnection(child.stdout, child.stdin, {
      ...options.connection,
      closeWithStreams: false,
    }).open();
    this.exited = child.then(
      (result) => ({ exitCode: result.exitCode ?? null, signal: result.signal ?? null }),
      () => ({ exitCode: null, signal: null }),
    );
    void this.exited.then((info) => {
      this.#exitInfo = info;
      this.connection.close(this.#exitError(info));
    });
    if (options.signal) {
      const onAbort = () => void this.close();
      options.signal.addEventListener("abort", onAbort, { once: true });
      void this.exited.then(() => options.signal?.removeEventListener("abort", onAbort));
    }
  }

  /** Spawns `codex app-server` and resolves once the process is running. */
  static async spawn(options: AppServerProcessOptions = {}): Promise<AppServerProcess> {
    validateOptions(options);
    if (options.signal?.aborted) {
      throw new BridgeError("ABORTED", "spawning codex app-server was aborted", {
        cause: options.signal.reason,
      });
    }
    const binary = await resolveCodexBinary(
      options.codexBin === undefined ? {} : { codexBin: options.codexBin },
    );
    const args = ["app-server"];
    for (const [key, value] of Object.entries(options.configOverrides ?? {})) {
      args.push("-c", `${key}=${tomlValue(value)}`);
    }
    const env: Record<string, string | undefined> = { ...process.env, ...options.env };
    if (options.codexHome !== undefined) env.CODEX_HOME = options.codexHome;
    env.RUST_LOG ??= "warn";
    const child = execa(binary.path, args, {
      cwd: options.cwd ?? process.cwd(),
      env,
      extendEnv: false,
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
      buffer: false,
      reject: false,
      // Own process group: the terminal's SIGINT must not reach codex (execa's `cleanup` does not
      // apply to a detached child; the exit hook below does that job).
      detached: true,
      encoding: "buffer",
    });
    trackGroup(child);
    try {
      await Promise.race([
        once(child, "spawn"),
        once(child, "error").then(([err]) => {
          throw err;
        }),
      ]);
    } catch (cause) {
      await child.catch(() => undefined);
      throw new BridgeError(
        "SPAWN_FAILED",
        `could not start ${binary.path} app-server: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause, details: { path: binary.path } },
      );
    }
    return new AppServerProcess(binary, child, options);
  }

  /** The child's pid. */
  get pid(): number {
    return this.#child.pid ?? -1;
  }

  /** Set once the process has exited. */
  get exitInfo(): ExitInfo | undefined {
    return this.#exitInfo;
  }

  /** The last `n` stderr lines (default all kept), secrets redacted. */
  stderrTail(n?: number): string[] {
    return this.#stderr.toArray(n).map(redactSecrets);
  }

  /** Subscribes to stderr lines as they arrive (unredacted: do not log them as they are). */
  onStderr(listener: (line: string) => void): () => void {
    this.#stderrListeners.add(listener);
    return () => this.#stderrListeners.delete(listener);
  }

  /** Sends a signal to the process (tests use it to simulate a crash). */
  kill(signal: NodeJS.Signals = "SIGTERM"): boolean {
    return this.#child.kill(signal);
  }

  /**
   * Shuts down: ends stdin so codex exits on its own, then SIGTERM, then
   * SIGKILL, each after the grace period; `force` sends SIGKILL at once.
   * Resolves with the exit info.
   */
  close(options: { force?: boolean } = {}): Promise<ExitInfo> {
    if (this.#exitInfo) return Promise.resolve(this.#exitInfo);
    if (options.force) {
      // A process that stopped answering gets no grace: SIGKILL now (its whole group).
      killGroup(this.#child, "SIGKILL");
      return this.exited;
    }
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #shutdown(): Promise<ExitInfo> {
    this.connection.close(
      new BridgeError("CONNECTION_CLOSED", "the client closed the codex app-server connection"),
    );
    for (const signal of [undefined, "SIGTERM", "SIGKILL"] as const) {
      if (signal) killGroup(this.#child, signal);
      const done = await waitFor(this.exited, signal === "SIGKILL" ? 0 : this.#graceMs);
      if (done) return done;
    }
    return this.exited;
  }

  #exitError(info: ExitInfo): BridgeError {
    const how = info.signal ? `signal ${info.signal}` : `code ${String(info.exitCode)}`;
    const tail = this.stderrTail(STDERR_TAIL_IN_ERRORS);
    const message =
      tail.length > 0
        ? `codex app-server exited (${how}); last stderr lines:\n${tail.join("\n")}`
        : `codex app-server exited (${how}) with no stderr output`;
    return new BridgeError("PROCESS_EXITED", message, {
      details: { exitCode: info.exitCode, signal: info.signal, stderrTail: tail, pid: this.pid },
    });
  }

  #collectStderr(): void {
    const stream = this.#child.stderr;
    if (!stream) return;
    let partial = "";
    const pushLine = (raw: string) => {
      // codex colours its log lines even on a pipe; colour codes only clutter error messages.
      const line = stripAnsi(raw);
      const clipped = line.length > MAX_STDERR_LINE ? `${line.slice(0, MAX_STDERR_LINE)}…` : line;
      this.#stderr.push(clipped);
      for (const listener of this.#stderrListeners) {
        try {
          listener(clipped);
        } catch {
          // A listener's failure must not stop stderr collection.
        }
      }
    };
    stream.on("data", (chunk: Buffer) => {
      const lines = (partial + chunk.toString("utf8")).split("\n");
      partial = lines.pop() ?? "";
      if (partial.length > MAX_STDERR_LINE * 4) {
        pushLine(partial);
        partial = "";
      }
      for (const line of lines) pushLine(line.replace(/\r$/, ""));
    });
    stream.on("end", () => {
      if (partial) pushLine(partial);
      partial = "";
    });
  }
}

/** Process groups of live codex children, signalled when this process exits. */
const liveGroups = new Set<ResultPromise>();
let exitHookInstalled = false;

function trackGroup(child: ResultPromise): void {
  if (child.pid === undefined) return;
  liveGroups.add(child);
  void child.then(
    () => liveGroups.delete(child),
    () => liveGroups.delete(child),
  );
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // 'exit' runs for process.exit() and uncaught exceptions; a killed host closes codex's stdin instead.
    process.once("exit", () => {
      for (const c of liveGroups) killGroup(c, "SIGTERM");
    });
  }
}

/** Signals the child's whole process group (codex and what it started), else the child alone. */
function killGroup(child: ResultPromise, signal: NodeJS.Signals): void {
  const pid = child.pid;
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    child.kill(signal);
  }
}

// eslint-disable-next-line no-control-regex -- matching ANSI escape sequences is the point.
const ANSI_PATTERN = /\u001b\[[0-9;?]*[A-Za-z]/g;

function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, "");
}

/** Resolves with the value, or undefined after `ms` (0 = wait forever). The timer never holds the loop open. */
async function waitFor<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  if (ms <= 0) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function validateOptions(options: AppServerProcessOptions): void {
  if (options.env && "HOME" in options.env && options.env.HOME !== process.env.HOME) {
    throw new BridgeError(
      "INVALID_OPTION",
      "env.HOME may not be changed: codex state is isolated through codexHome (CODEX_HOME), and tools codex runs need the real HOME",
    );
  }
  if (options.shutdownGraceMs !== undefined && !(options.shutdownGraceMs >= 0)) {
    throw new BridgeError(
      "INVALID_OPTION",
      `shutdownGraceMs must be a number >= 0, got ${String(options.shutdownGraceMs)}`,
    );
  }
  if (options.codexHome !== undefined && options.codexHome === "") {
    throw new BridgeError("INVALID_OPTION", "codexHome must be a directory path, got an empty string");
  }
}
