/** The bridge's MCP tool server, for hosts that build their own or add tools. */
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
export { configuredModules, type LoadedModules, loadToolModules } from "./hostModules.js";
export { ToolRegistry } from "./registry.js";
export {
  type CallResult,
  createToolHandlers,
  describeIssues,
  type ListedTool,
  type ToolHandlers,
} from "./handlers.js";
export { createToolServer, type ToolServer, type ToolServerOptions } from "./server.js";
export { MCP_PROTOCOL_VERSIONS, type StdioServeOptions, serveStdio } from "./stdioServer.js";
export { builtinTools } from "./tools/index.js";
export { DYNAMIC_NAMESPACE, dynamicToolProvider } from "./dynamic.js";
