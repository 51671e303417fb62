/**
 * The gateway over stdio: one client, newline-delimited JSON-RPC on the
 * given input and output (a process's stdin/stdout: nothing else may write
 * to that stdout). The client is done when the input ends.
 */
import type { Readable, Writable } from "node:stream";
import { readJsonLines } from "../jsonrpc/lineReader.js";
import type { GatewayServer } from "./server.js";

export interface StdioOptions {
  /** Largest message accepted, in bytes. Default 1 MiB. */
  maxMessageBytes?: number;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/** Serves one client on `input`/`output`; resolves when the input ends or the connection is closed. */
export async function serveStdio(
  server: GatewayServer,
  input: Readable,
  output: Writable,
  options: StdioOptions = {},
): Promise<void> {
  const maxLineBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let open = true;
  const client = await server.accept({
    send: (text) => {
      if (open && output.writable) output.write(`${text}\n`);
    },
    bufferedBytes: () => output.writableLength,
    close: () => {
      open = false;
      stop();
      finish();
    },
  });
  output.on("error", () => {
    open = false;
    client.dispose();
    finish();
  });
  const stop = readJsonLines(
    input,
    {
      onValue: (value) => client.receiveValue(value),
      onError: (error) => {
        if (error.details.line !== undefined) client.parseError(`parse error: ${error.message}`);
        else if (error.details.maxLineBytes !== undefined)
          client.refuse(`message larger than ${maxLineBytes} bytes: refused`);
        else client.refuse(error.message);
      },
      onEnd: () => {
        client.dispose();
        finish();
      },
    },
    { maxLineBytes },
  );
  await done;
  client.dispose();
}
