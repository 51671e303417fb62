// The one place that touches the terminal: commands write through Output so
// a protocol-carrying stdout (mcp-serve, gateway) is never written by accident.
//
// A reader that goes away (`codex-bridge … | head -1`) makes writes to
// stdout fail with EPIPE. That is not an error of ours: output stops, the
// command is told (a running turn is interrupted) and the process exits
// quietly with 141, the status of a program ended by SIGPIPE.

export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Exit status after the reader of stdout went away (128 + SIGPIPE). */
export const EPIPE_EXIT = 141;

let stdoutOpen = true;
const closedListeners = new Set<() => void>();
let guarded = false;

function guardStreams(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (!stdoutOpen) return;
    stdoutOpen = false;
    if (err.code !== "EPIPE") process.stderr.write(`codex-bridge: cannot write to stdout: ${err.message}\n`);
    process.exitCode = EPIPE_EXIT;
    for (const listener of closedListeners) listener();
  });
  // A closed stderr must not crash the process either; there is nowhere left to say so.
  process.stderr.on("error", () => undefined);
}

export const terminal: Output = {
  stdout: (text) => {
    guardStreams();
    if (stdoutOpen) process.stdout.write(text);
  },
  stderr: (text) => {
    guardStreams();
    process.stderr.write(text);
  },
};

/** Calls `listener` once stdout's reader has gone away; returns the unsubscribe. */
export function onStdoutClosed(listener: () => void): () => void {
  guardStreams();
  closedListeners.add(listener);
  return () => closedListeners.delete(listener);
}

/** True once stdout's reader has gone away. */
export function stdoutClosed(): boolean {
  return !stdoutOpen;
}

/** Sets the process exit status without exiting, so pending output is flushed. EPIPE's 141 is kept. */
export function setExitCode(code: number): void {
  if (stdoutOpen) process.exitCode = code;
}
