import { realpathSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BridgeError } from "../../src/errors.js";
import { reply } from "../../src/testing/index.js";
import { launchCodex } from "../harness/launch.js";

describe("initialize handshake (real codex)", () => {
  it("returns userAgent and the CODEX_HOME it was given", async () => {
    await using codex = await launchCodex({ script: [reply.text("unused")] });
    const info = codex.client.serverInfo;
    expect(info?.userAgent).toMatch(/^codex-bridge\/\d+\.\d+\.\d+/);
    expect(realpathSync(info?.codexHome ?? "")).toBe(realpathSync(codex.home.path));
    expect(info?.platformOs).toBe(process.platform === "darwin" ? "macos" : process.platform);
  });

  it("maps a request sent before initialize to a typed NOT_INITIALIZED error", async () => {
    await using codex = await launchCodex({ script: [], initialize: false });
    const err = await codex.client.accountRead().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BridgeError);
    expect(err).toMatchObject({ code: "NOT_INITIALIZED" });
    expect((err as BridgeError).message).toContain("account/read was sent before initialize");
    // The connection is still usable: initializing now works.
    await expect(codex.client.initialize()).resolves.toMatchObject({ userAgent: expect.any(String) });
  });

  it("maps a second initialize to ALREADY_INITIALIZED", async () => {
    await using codex = await launchCodex({ script: [] });
    await expect(codex.client.initialize()).rejects.toMatchObject({ code: "ALREADY_INITIALIZED" });
  });
});
