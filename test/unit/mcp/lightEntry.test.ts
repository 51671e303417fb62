import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const probe = fileURLToPath(new URL("../../fixtures/loadedModules.mjs", import.meta.url));
const built = fileURLToPath(new URL("../../../dist/mcp/public.js", import.meta.url));

/** What `specifier` exports, and every module a fresh node process loads to import it (resolved from test/fixtures/). */
function loadedBy(specifier: string): { exports: string[]; urls: string[] } {
  if (!existsSync(built)) throw new Error("dist/ is missing: run `npm run build` first");
  return JSON.parse(execFileSync(process.execPath, [probe, specifier], { encoding: "utf8" })) as {
    exports: string[];
    urls: string[];
  };
}

const sdk = (urls: string[]) => urls.filter((u) => u.includes("@modelcontextprotocol/sdk"));

describe("the codex-bridge/tools entry stays light", () => {
  it("importing codex-bridge/tools loads no module of @modelcontextprotocol/sdk", () => {
    const { exports, urls } = loadedBy("codex-bridge/tools");
    expect(exports).toEqual(expect.arrayContaining(["defineTool", "builtinTools", "serveStdio"]));
    expect(urls.some((u) => u.includes("/dist/mcp/"))).toBe(true);
    expect(sdk(urls)).toEqual([]);
  });

  it("codex-bridge/tools/sdk is where createToolServer lives, and it does load the SDK", () => {
    const { exports, urls } = loadedBy("codex-bridge/tools/sdk");
    expect(exports).toContain("createToolServer");
    expect(sdk(urls).length).toBeGreaterThan(0);
  });
});
