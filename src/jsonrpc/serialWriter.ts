/**
 * Writes lines to a stream one at a time, in order, honouring backpressure:
 * when `write()` reports a full buffer, the next line waits for `drain`.
 */
import type { Writable } from "node:stream";
import { BridgeError } from "../errors.js";

export class SerialWriter {
  #chain: Promise<void> = Promise.resolve();

  /** @param closedError returns the error to fail with once the owner is closed, else undefined. */
  constructor(
    private readonly output: Writable,
    private readonly closedError: () => Error | undefined,
  ) {}

  /** Queues a line; resolves once the stream accepted it (after a drain when it was full). */
  write(line: string): Promise<void> {
    const next = this.#chain.then(() => this.#writeNow(line));
    this.#chain = next.catch(() => {});
    return next;
  }

  #writeNow(line: string): Promise<void> {
    const closed = this.closedError();
    if (closed) return Promise.reject(closed);
    return new Promise<void>((resolve, reject) => {
      const output = this.output;
      if (output.write(line)) {
        resolve();
        return;
      }
      const cleanup = () => {
        output.off("drain", onDrain);
        output.off("close", onClose);
        output.off("error", onClose);
      };
      const onDrain = () => {
        cleanup();
        resolve();
      };
      const onClose = (err?: unknown) => {
        cleanup();
        reject(
          new BridgeError("CONNECTION_CLOSED", "the output stream closed while writing", { cause: err }),
        );
      };
      output.on("drain", onDrain);
      output.on("close", onClose);
      output.on("error", onClose);
    });
  }
}
