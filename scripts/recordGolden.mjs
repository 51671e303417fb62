#!/usr/bin/env node
// Records what the real codex binary sends during scripted turns, as golden
// fixtures for the projector's tests: test/fixtures/golden/<scenario>.jsonl,
// one line per notification or server request, in arrival order.
// Run after `npm run build`: node scripts/recordGolden.mjs
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CodexClient } from "../dist/codex/client.js";
import { createMockCodexHome, item, reply, respond, startMockResponses } from "../dist/testing/index.js";

const OUT = fileURLToPath(new URL("../test/fixtures/golden/", import.meta.url));

const scenarios = {
  "text-with-reasoning": {
    script: [
      respond([item.reasoning("Thinking about greetings."), item.message("Hello there!", { deltas: 2 })]),
    ],
  },
  "command-approved": {
    approvalPolicy: "untrusted",
    decision: "accept",
    script: [
      reply.execCommand("touch made.txt && echo made-it", { callId: "call-cmd" }),
      reply.text("Created it."),
    ],
  },
  "command-declined": {
    approvalPolicy: "untrusted",
    decision: "decline",
    script: [
      reply.execCommand("rm -rf important", { callId: "call-rm" }),
      reply.text("Understood, not removing."),
    ],
  },
  "command-fails": {
    sandbox: "danger-full-access",
    script: [reply.execCommand("echo oops >&2; exit 3", { callId: "call-fail" }), reply.text("It failed.")],
  },
  "mcp-tool-call": {
    config: {
      "mcp_servers.echo": {
        command: process.execPath,
        args: [fileURLToPath(new URL("../test/fixtures/echoMcpServer.mjs", import.meta.url))],
      },
    },
    script: [
      respond([item.mcpCall("echo", "echo", { text: "ping" }, { callId: "call-mcp" })]),
      reply.text("The echo server said ping."),
    ],
  },
  "patch-approved": {
    approvalPolicy: "untrusted",
    decision: "accept",
    script: [
      respond([item.addFilePatch("notes.txt", "first line\nsecond line", { callId: "call-patch" })]),
      reply.text("Wrote notes.txt."),
    ],
  },
};

for (const [name, scenario] of Object.entries(scenarios)) {
  const mock = await startMockResponses(scenario.script);
  const home = await createMockCodexHome({ providerUrl: mock.url });
  const work = await mkdtemp(join(tmpdir(), "codex-bridge-golden-"));
  const client = await CodexClient.start({ codexHome: home.path, cwd: work });
  const lines = [];
  try {
    client.onNotification((n) => lines.push({ kind: "notification", method: n.method, params: n.params }));
    const answer = (method) =>
      client.handleServerRequest(method, (params) => {
        lines.push({ kind: "request", method, params });
        return { decision: scenario.decision ?? "decline" };
      });
    answer("item/commandExecution/requestApproval");
    answer("item/fileChange/requestApproval");
    const { thread } = await client.threadStart({
      cwd: work,
      ...(scenario.sandbox ? { sandbox: scenario.sandbox } : {}),
      ...(scenario.config ? { config: scenario.config } : {}),
    });
    const done = client.notifications({ threadId: thread.id, methods: ["turn/completed"] });
    await client.turnStart({
      threadId: thread.id,
      input: [{ type: "text", text: `scenario ${name}`, text_elements: [] }],
      ...(scenario.approvalPolicy ? { approvalPolicy: scenario.approvalPolicy } : {}),
    });
    await done.next();
    await done.return();
  } finally {
    await client.close();
    await mock.close();
    await home.remove();
    await rm(work, { recursive: true, force: true });
  }
  // Paths and ids vary per run; keep them, the projector must not depend on them.
  await writeFile(join(OUT, `${name}.jsonl`), lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  console.log(`${name}: ${lines.length} messages`);
}
