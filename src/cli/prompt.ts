// Asking a person at the terminal to decide an approval. Reads from the TTY
// on stdin, writes the question to stderr.
import { createInterface } from "node:readline/promises";
import type { ApprovalDecision, ApprovalRequest } from "../codex/approvalRequests.js";
import type { ApprovalHandler } from "../codex/approvals.js";

export function terminalApprover(): ApprovalHandler {
  // One question at a time: codex can ask for several approvals at once.
  let queue: Promise<unknown> = Promise.resolve();
  return (request, { signal }) => {
    const next = queue.then(() => ask(request, signal));
    queue = next.catch(() => undefined);
    return next;
  };
}

async function ask(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    if (request.kind === "userInput" && request.userInput) {
      const answers: Record<string, string[]> = {};
      for (const q of request.userInput.questions) {
        const options = q.options?.length ? ` [${q.options.join(" / ")}]` : "";
        const answer = await rl.question(`codex asks: ${q.question}${options}\n> `, { signal });
        answers[q.id] = [answer.trim()];
      }
      return { decision: "accept", answers };
    }
    const choices = request.command?.choices ?? ["accept", "acceptForSession", "decline"];
    const remember = choices.includes("acceptForSession")
      ? "acceptForSession"
      : choices.includes("acceptWithExecpolicyAmendment")
        ? "acceptWithExecpolicyAmendment"
        : null;
    const menu = `[a] accept once${remember ? " · [s] accept for the session" : ""} · [d] decline`;
    for (;;) {
      const answer = (await rl.question(`\ncodex wants to ${request.summary}\n${menu} > `, { signal }))
        .trim()
        .toLowerCase();
      if (answer === "a" || answer === "y") return { decision: "accept", reason: "accepted at the terminal" };
      if (answer === "s" && remember)
        return { decision: remember, reason: "accepted for the session at the terminal" };
      if (answer === "d" || answer === "n")
        return { decision: "decline", reason: "declined at the terminal" };
    }
  } finally {
    rl.close();
  }
}
