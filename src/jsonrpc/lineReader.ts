/**
 * Newline-delimited JSON over a byte stream. Each line is parsed on its own;
 * a bad line is reported and skipped so one corrupt message never takes the
 * stream down, and an overlong line is discarded as it streams past instead
 * of being buffered whole.
 */
import type { Readable } from "node:stream";
import { BridgeError } from "../errors.js";

/** Default maximum line size: 64 MiB (codex command output can be large). */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

export interface LineReaderOptions {
  /** Largest accepted line in bytes, newline excluded. Default {@link DEFAULT_MAX_LINE_BYTES}. */
  maxLineBytes?: number;
}

export interface LineReaderHandlers {
  /** A line that parsed as JSON. */
  onValue(value: unknown): void;
  /** A line that was skipped (not JSON, too long) or a stream error. Never thrown. */
  onError(error: BridgeError): void;
  /** The stream ended or closed. Called once. */
  onEnd(): void;
}

const NEWLINE = 0x0a;
const PREVIEW_CHARS = 200;

/**
 * Starts reading `input` and returns a function that detaches the reader.
 * `\r` before a newline is stripped; blank lines are ignored.
 */
export function readJsonLines(
  input: Readable,
  handlers: LineReaderHandlers,
  options: LineReaderOptions = {},
): () => void {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (!Number.isInteger(maxLineBytes) || maxLineBytes <= 0) {
    throw new BridgeError(
      "INVALID_OPTION",
      `maxLineBytes must be a positive integer, got ${String(maxLineBytes)}`,
    );
  }
  let parts: Buffer[] = [];
  let partsBytes = 0;
  let discarding = false;
  let discardedBytes = 0;
  let ended = false;

  const report = (error: BridgeError) => {
    try {
      handlers.onError(error);
    } catch {
      // An error handler that throws must not break the read loop.
    }
  };

  const emitLine = (line: Buffer) => {
    let text = line.toString("utf8");
    if (text.endsWith("\r")) text = text.slice(0, -1);
    if (text.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      report(
        new BridgeError("PROTOCOL_ERROR", `skipped a line that is not JSON: ${preview(text)}`, {
          cause,
          details: { line: preview(text) },
        }),
      );
      return;
    }
    try {
      handlers.onValue(value);
    } catch (cause) {
      report(new BridgeError("PROTOCOL_ERROR", "a message handler threw", { cause }));
    }
  };

  const overflow = (bytes: number) => {
    discarding = true;
    discardedBytes = bytes;
    parts = [];
    partsBytes = 0;
  };

  const finishDiscard = () => {
    report(
      new BridgeError(
        "PROTOCOL_ERROR",
        `discarded a line of ${discardedBytes} bytes or more: longer than maxLineBytes (${maxLineBytes})`,
        { details: { bytes: discardedBytes, maxLineBytes } },
      ),
    );
    discarding = false;
    discardedBytes = 0;
  };

  const onData = (chunk: Buffer | string) => {
    const buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    let start = 0;
    while (start <= buf.length) {
      const nl = buf.indexOf(NEWLINE, start);
      const end = nl === -1 ? buf.length : nl;
      const piece = buf.subarray(start, end);
      if (discarding) {
        discardedBytes += piece.length;
      } else if (partsBytes + piece.length > maxLineBytes) {
        overflow(partsBytes + piece.length);
      } else if (piece.length > 0) {
        parts.push(piece);
        partsBytes += piece.length;
      }
      if (nl === -1) break;
      if (discarding) {
        finishDiscard();
      } else {
        const line = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, partsBytes);
        parts = [];
        partsBytes = 0;
        emitLine(line);
      }
      start = nl + 1;
    }
  };

  const onEnd = () => {
    if (ended) return;
    ended = true;
    if (discarding) finishDiscard();
    else if (partsBytes > 0) emitLine(Buffer.concat(parts, partsBytes));
    parts = [];
    partsBytes = 0;
    detach();
    handlers.onEnd();
  };

  const onStreamError = (cause: Error) => {
    report(new BridgeError("PROTOCOL_ERROR", `input stream failed: ${cause.message}`, { cause }));
    onEnd();
  };

  const detach = () => {
    input.off("data", onData);
    input.off("end", onEnd);
    input.off("close", onEnd);
    input.off("error", onStreamError);
  };

  input.on("data", onData);
  input.on("end", onEnd);
  input.on("close", onEnd);
  input.on("error", onStreamError);
  return detach;
}

function preview(text: string): string {
  return text.length > PREVIEW_CHARS
    ? `${JSON.stringify(text.slice(0, PREVIEW_CHARS))}…`
    : JSON.stringify(text);
}
