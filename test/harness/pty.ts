// Runs the built CLI in a real pseudo-terminal (util-linux `script`), so
// stdin/stdout/stderr are a TTY and a typed Ctrl-C (\x03) becomes SIGINT for
// the terminal's foreground process group, exactly as in a terminal.
import { fileURLToPath } from "node:url";
import { execa, type ResultPromise } from "execa";
import { vi } from "vitest";

const bin = fileURLToPath(new URL("../../bin/codex-bridge.js", import.meta.url));

export interface PtyRun {
  /** Everything the terminal showed so far (stdout and stderr interleaved, with \r\n). */
  output(): string;
  /** Types text (\x03 is Ctrl-C). */
  type(text: string): void;
  /** Waits until the output matches. */
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<void>;
  /** Ends the input and resolves with the CLI's exit status. */
  exit(): Promise<number>;
  readonly child: ResultPromise;
}

const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;

export function ptyCli(args: string[], options: { env: Record<string, string>; columns?: number }): PtyRun {
  const command = [process.execPath, bin, ...args].map(quote).join(" ");
  const child = execa("script", ["-q", "-e", "-c", command, "/dev/null"], {
    // Only what a terminal session needs: nothing of the parent's (CODEX_HOME, NO_COLOR …) leaks in.
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/",
      TERM: "xterm",
      ...options.env,
    },
    extendEnv: false,
    stdin: "pipe",
    reject: false,
    timeout: 120_000,
  });
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
  });
  return {
    child,
    output: () => out,
    type: (text) => {
      child.stdin?.write(text);
    },
    async waitFor(pattern, timeoutMs = 60_000) {
      await vi.waitFor(
        () => {
          const ok = typeof pattern === "string" ? out.includes(pattern) : pattern.test(out);
          if (!ok) throw new Error(`terminal output so far:\n${out}`);
        },
        { timeout: timeoutMs, interval: 100 },
      );
    },
    async exit() {
      const r = await child;
      child.stdin?.end();
      return r.exitCode ?? -1;
    },
  };
}
