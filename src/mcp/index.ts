/**
 * Everything in mcp/, for the library's root entry. Hosts import the light
 * `codex-bridge/tools` (./public.ts) or the SDK adapter `codex-bridge/tools/sdk`
 * (./sdk.ts); this barrel loads both.
 */
export * from "./public.js";
export * from "./sdk.js";
