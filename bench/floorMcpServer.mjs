#!/usr/bin/env node
// The floor for a stdio MCP server: plain Node, no dependency, one tool.
// It answers initialize, tools/list and tools/call, nothing more.
import { createInterface } from "node:readline";

const tools = [
  {
    name: "echo",
    description: "Echoes the text back.",
    inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
    annotations: { readOnlyHint: true },
  },
];
const send = (message) => process.stdout.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);
createInterface({ input: process.stdin }).on("line", (line) => {
  const { id, method, params } = JSON.parse(line);
  if (id === undefined) return;
  if (method === "initialize") {
    send({
      id,
      result: {
        protocolVersion: params?.protocolVersion ?? "2025-06-18",
        capabilities: { tools: {} },
        serverInfo: { name: "floor", version: "1" },
      },
    });
  } else if (method === "tools/list") {
    send({ id, result: { tools } });
  } else if (method === "tools/call") {
    send({ id, result: { content: [{ type: "text", text: String(params?.arguments?.text ?? "") }] } });
  } else {
    send({ id, error: { code: -32601, message: `method not found: ${method}` } });
  }
});
