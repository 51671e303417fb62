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
export { createToolServer, describeIssues, type ToolServer, type ToolServerOptions } from "./server.js";
export { builtinTools } from "./tools/index.js";
