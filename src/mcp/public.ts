/**
 * `codex-bridge/tools`: what a host tool module and a host that builds its
 * own tool server need — defineTool, the registry, the handlers, the lean
 * stdio server, the built-in tools, dynamic tools. It must stay light: a
 * host tool module imports it, and codex starts one tool server per thread,
 * so nothing here may load @modelcontextprotocol/sdk (a test checks). The
 * SDK adapter is `codex-bridge/tools/sdk`.
 */
export { type ContextSource, identityFromEnv, type ToolContext } from "./context.js";
export {
  type BrandedTool,
  defineTool,
  isTool,
  type ToolAnnotations,
  type ToolContent,
  type ToolDefinition,
  type ToolResult,
} from "./defineTool.js";
export {
  configuredModules,
  DEFAULT_MODULE_TIMEOUT_MS,
  type LoadedModules,
  type LoadOptions,
  loadToolModules,
} from "./hostModules.js";
export { ToolRegistry } from "./registry.js";
export {
  type CallResult,
  createToolHandlers,
  describeIssues,
  type ListedTool,
  type ToolHandlers,
} from "./handlers.js";
export {
  DEFAULT_DRAIN_TIMEOUT_MS,
  MCP_PROTOCOL_VERSIONS,
  type StdioServeOptions,
  serveStdio,
} from "./stdioServer.js";
export { builtinTools } from "./tools/index.js";
export { DYNAMIC_NAMESPACE, dynamicToolProvider } from "./dynamic.js";
export { type HttpToolEndpointOptions, httpToolEndpoint } from "./httpEndpoint.js";
export { loadToolSet, type ToolSetOptions } from "./toolSet.js";
export type { ToolCaller, ToolEndpointListener, ToolEndpointProvider } from "../toolServerSpec.js";
