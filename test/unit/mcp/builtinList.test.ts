// tools/list of `mcp-serve` is answered from a precomputed list (no zod at
// start-up); it must be exactly what the tools' zod schemas give.
// Regenerate after changing a built-in tool: UPDATE_TOOL_LIST=1 npx vitest run test/unit/mcp/builtinList.test.ts
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createToolHandlers } from "../../../src/mcp/handlers.js";
import { BUILTIN_TOOL_LIST } from "../../../src/mcp/tools/builtinList.js";
import { builtinTools } from "../../../src/mcp/tools/index.js";

describe("the precomputed list of the built-in tools", () => {
  it("equals what the tools' schemas give", () => {
    const actual = createToolHandlers({ tools: builtinTools() }).listTools().tools;
    if (process.env.UPDATE_TOOL_LIST === "1") {
      const file = fileURLToPath(new URL("../../../src/mcp/tools/builtinList.ts", import.meta.url));
      writeFileSync(
        file,
        `// Generated from the built-in tools' zod schemas by test/unit/mcp/builtinList.test.ts\n` +
          `// (UPDATE_TOOL_LIST=1); that test fails when this drifts from them. Do not edit by hand.\n` +
          `import type { ListedTool } from "../handlers.js";\n\n` +
          `export const BUILTIN_TOOL_LIST: ListedTool[] = ${JSON.stringify(actual, null, 2)};\n`,
      );
    }
    expect(BUILTIN_TOOL_LIST).toEqual(actual);
  });
});
