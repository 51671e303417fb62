/**
 * The built-in tools for `mcp-serve`, loaded when first called. codex starts
 * an `mcp-serve` per thread and asks it for `initialize` and `tools/list`
 * before the thread's first turn; answering those must not wait for zod, the
 * store and the tools' modules. `tools/list` is answered from the JSON the
 * tools' zod schemas give (builtinList.ts, generated and checked against them
 * by a test); the first `tools/call` loads the real handlers.
 */
import type { ContextSource } from "./context.js";
import type { ToolHandlers } from "./handlers.js";
import type { StdioToolHandlers } from "./stdioServer.js";
import { BUILTIN_TOOL_LIST } from "./tools/builtinList.js";

export function lazyBuiltinHandlers(options: {
  context?: Partial<ContextSource>;
  log?: (line: string) => void;
}): StdioToolHandlers {
  let real: Promise<ToolHandlers> | undefined;
  const load = () =>
    (real ??= Promise.all([import("./handlers.js"), import("./tools/index.js")]).then(([h, t]) =>
      h.createToolHandlers({ tools: t.builtinTools(), ...options }),
    ));
  return {
    listTools: () => ({ tools: BUILTIN_TOOL_LIST }),
    callTool: async (name, args, signal, caller) => (await load()).callTool(name, args, signal, caller),
    async close() {
      if (real) await (await real).close();
    },
  };
}
