// The one place that touches the terminal: commands write through Output so
// a protocol-carrying stdout (mcp-serve, gateway) is never written by accident.

export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const terminal: Output = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Sets the process exit status without exiting, so pending output is flushed. */
export function setExitCode(code: number): void {
  process.exitCode = code;
}
