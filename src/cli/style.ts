// Colour and the status line, for a person at a terminal only: colour when
// stderr is a TTY and NO_COLOR (https://no-color.org) is unset or empty; the
// status line ("codex is working…") only on a TTY, erased before any output.

export interface Style {
  readonly enabled: boolean;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly cyan: (text: string) => string;
  readonly green: (text: string) => string;
  readonly bold: (text: string) => string;
}

/** Colour for a stream: on a TTY, unless NO_COLOR is set or TERM is "dumb". */
export function styleFor(stream: { isTTY?: boolean } = process.stderr, env = process.env): Style {
  const enabled = stream.isTTY === true && !env.NO_COLOR && env.TERM !== "dumb";
  const wrap = (open: number, close: number) => (text: string) =>
    enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    enabled,
    dim: wrap(2, 22),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
    green: wrap(32, 39),
    bold: wrap(1, 22),
  };
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** One self-updating line on stderr; a no-op when stderr is not a TTY. */
export class StatusLine {
  readonly #write: (text: string) => void;
  readonly #enabled: boolean;
  readonly #style: Style;
  #text: string | null = null;
  #since = 0;
  #frame = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(write: (text: string) => void, options: { enabled: boolean; style: Style }) {
    this.#write = write;
    this.#enabled = options.enabled;
    this.#style = options.style;
  }

  /** Shows `text` (e.g. "codex is working") with a spinner and the seconds elapsed. */
  show(text: string): void {
    if (!this.#enabled) return;
    if (this.#text === null) this.#since = Date.now();
    this.#text = text;
    this.#draw();
    this.#timer ??= setInterval(() => this.#draw(), 250);
    this.#timer.unref();
  }

  /** Erases the line (before anything else is written). */
  clear(): void {
    if (this.#text === null) return;
    this.#text = null;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#write("\r\u001b[2K");
  }

  #draw(): void {
    if (this.#text === null) return;
    const seconds = Math.floor((Date.now() - this.#since) / 1000);
    const frame = FRAMES[this.#frame++ % FRAMES.length] ?? "";
    this.#write(
      `\r\u001b[2K${this.#style.cyan(frame)} ${this.#text}… ${this.#style.dim(`${seconds}s · Ctrl-C to interrupt`)}`,
    );
  }
}
