import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Starts bench/lib/mockServer.mjs in its own process; resolves with its URL and a close(). */
export function startMockProcess(mode) {
  const child = spawn(process.execPath, [fileURLToPath(new URL("./mockServer.mjs", import.meta.url)), mode], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (c) => {
      out += c;
      if (out.includes("\n")) {
        resolve({
          url: out.trim(),
          close: () =>
            new Promise((done) => {
              child.once("exit", done);
              child.stdin.end();
            }),
        });
      }
    });
    child.once("exit", (code) => reject(new Error(`mock exited ${code}`)));
  });
}
