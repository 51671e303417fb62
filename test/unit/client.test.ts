import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CodexClient } from "../../src/codex/client.js";
import { AppServerProcess } from "../../src/codex/process.js";

// A fake codex that answers -32001 on demand: the real one cannot be made overloaded on cue.
const fakeCodex = fileURLToPath(new URL("../fixtures/fakeCodex.mjs", import.meta.url));

describe("CodexClient against a fake app-server", () => {
  it("retries a request answered -32001 (overloaded) with backoff until it succeeds", async () => {
    await using client = await CodexClient.start({
      codexBin: fakeCodex,
      env: { FAKE_OVERLOADS: "2" },
      overloadRetry: { baseDelayMs: 5, maxDelayMs: 20 },
    });
    const result = await client.threadStart({});
    expect(result).toMatchObject({ thread: { id: "thread-fake" }, attempts: 3 });
  });

  it("gives up after maxAttempts with SERVER_OVERLOADED", async () => {
    await using client = await CodexClient.start({
      codexBin: fakeCodex,
      env: { FAKE_OVERLOADS: "10" },
      overloadRetry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    });
    await expect(client.threadStart({})).rejects.toMatchObject({
      code: "SERVER_OVERLOADED",
      message: "thread/start: codex app-server stayed overloaded after 3 attempts",
    });
  });

  it("rejects options that are out of range, naming them", async () => {
    await expect(
      CodexClient.start({ codexBin: fakeCodex, overloadRetry: { maxAttempts: 0 } }),
    ).rejects.toThrow("overloadRetry.maxAttempts must be a number >= 1, got 0");
    await expect(
      AppServerProcess.spawn({ codexBin: fakeCodex, env: { HOME: "/somewhere/else" } }),
    ).rejects.toThrow(/env.HOME may not be changed/);
    await expect(AppServerProcess.spawn({ codexBin: fakeCodex, shutdownGraceMs: -1 })).rejects.toThrow(
      "shutdownGraceMs must be a number >= 0, got -1",
    );
  });
});
