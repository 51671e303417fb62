/**
 * Test helpers for host applications: a scripted model served on 127.0.0.1
 * and a throwaway CODEX_HOME pointing codex at it.
 */
export {
  createMockCodexHome,
  type MockCodexHome,
  type MockCodexHomeOptions,
  mockCodexConfig,
} from "./codexHome.js";
export {
  type MockReply,
  type MockRequest,
  type MockResponsesOptions,
  type MockResponsesServer,
  type MockScript,
  type ResponsesRequestBody,
  type SseEvent,
  startMockResponses,
} from "./mockResponses.js";
export { functionCallOutputs, item, mcpNamespace, reply, respond, type Usage } from "./replies.js";
export { DEMO_COMMAND, DEMO_FILE, DEMO_FILE_CONTENT, DEMO_FINAL_TEXT, demoScript } from "./demo.js";
