/**
 * The scripted model behind `codex-bridge demo`: a command that needs
 * approval, a file created by a patch, and a final answer. Exported so hosts
 * can run the same scenario in their own tests.
 */
import type { MockReply } from "./mockResponses.js";
import { item, reply, respond } from "./replies.js";

export const DEMO_FILE = "hello.txt";
export const DEMO_FILE_CONTENT = "Hello from codex-bridge!";
export const DEMO_COMMAND = "mkdir -p demo-output && echo approved > demo-output/command.txt";
export const DEMO_FINAL_TEXT = `I ran a command you approved and created ${DEMO_FILE}. codex-bridge works end to end.`;

/** Three model replies, in order. */
export function demoScript(): MockReply[] {
  return [
    respond([
      item.reasoning("First run a command (it needs approval), then write a file."),
      item.execCommand(DEMO_COMMAND, { callId: "demo-command" }),
    ]),
    respond([item.addFilePatch(DEMO_FILE, DEMO_FILE_CONTENT, { callId: "demo-patch" })]),
    reply.text(DEMO_FINAL_TEXT),
  ];
}
