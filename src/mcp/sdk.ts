/**
 * `codex-bridge/tools/sdk`: the tool server as an @modelcontextprotocol/sdk
 * `Server`. A separate entry so that `codex-bridge/tools` never loads the SDK.
 */
export { createToolServer, type ToolServer, type ToolServerOptions } from "./server.js";
