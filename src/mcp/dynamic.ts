/**
 * The same tools, served in-process as codex dynamic tools instead of
 * through the MCP subprocess: `new CodexBridge({ dynamicTools: dynamicToolProvider(builtinTools()) })`.
 */
import type { DynamicToolProvider, DynamicToolSpec } from "../codex/dynamicTools.js";
import type { BrandedTool } from "./defineTool.js";
import { createToolHandlers } from "./handlers.js";
import type { ToolRegistry } from "./registry.js";

/** The namespace the model sees dynamic tools under. */
export const DYNAMIC_NAMESPACE = "codex_bridge";

export function dynamicToolProvider(
  tools: ToolRegistry | BrandedTool[],
  options: { namespace?: string; log?: (line: string) => void } = {},
): DynamicToolProvider {
  const handlers = createToolHandlers({ tools, ...(options.log ? { log: options.log } : {}) });
  const namespace = options.namespace ?? DYNAMIC_NAMESPACE;
  let specs: DynamicToolSpec[] | undefined;
  return {
    close: () => handlers.close(),
    specs() {
      specs ??= [
        {
          type: "namespace",
          name: namespace,
          description: "Tools of the host application, run by codex-bridge.",
          tools: handlers.listTools().tools.map((t) => ({
            type: "function" as const,
            name: t.name,
            description: t.description,
            inputSchema: t.inputSchema,
          })),
        },
      ];
      return specs;
    },
    async call(call, caller) {
      const result = await handlers.callTool(call.tool, call.arguments, new AbortController().signal, {
        sessionId: caller.sessionId,
        threadId: caller.threadId,
        taskId: caller.taskId,
        storePath: caller.storePath,
        board: caller.board ?? null,
        taskHolder: caller.taskHolder ?? null,
        leaseMs: caller.leaseMs ?? null,
      });
      const text = result.content
        .map((c) => (typeof c.text === "string" ? c.text : JSON.stringify(c)))
        .join("\n");
      return { contentItems: [{ type: "inputText", text }], success: result.isError !== true };
    },
  };
}
