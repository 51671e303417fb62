// Asking a person at the terminal to decide an approval. Reads from the TTY
// on stdin, writes the question to stderr. Each choice is labelled by what it
// does; session scope is offered only where codex offers it, and the
// permanent exec-policy rule only as its own, explicitly labelled choice.
// Ctrl-C at the prompt declines the request and then stops the turn.
import { createInterface } from "node:readline/promises";
import type { ApprovalDecision, ApprovalRequest } from "../codex/approvalRequests.js";
import type { ApprovalHandler } from "../codex/approvals.js";

export interface TerminalApproverOptions {
  /** Called before a question is written (to erase a status line). */
  beforeAsk?: () => void;
  /** Called after Ctrl-C at the prompt declined the request: stop the turn. */
  onCtrlC?: () => void;
}

interface Choice {
  key: string;
  label: string;
  decision: ApprovalDecision;
}

export function terminalApprover(options: TerminalApproverOptions = {}): ApprovalHandler {
  // One question at a time: codex can ask for several approvals at once.
  let queue: Promise<unknown> = Promise.resolve();
  let stopped = false;
  return (request, { signal }) => {
    const next = queue.then(async () => {
      if (stopped) return { decision: "decline", reason: "Ctrl-C at the prompt" } satisfies ApprovalDecision;
      options.beforeAsk?.();
      const answer = await ask(request, signal);
      if (answer === "ctrl-c") {
        stopped = true;
        // Decline first (this answer), then stop the turn.
        setImmediate(() => options.onCtrlC?.());
        return { decision: "decline", reason: "Ctrl-C at the prompt" } satisfies ApprovalDecision;
      }
      return answer;
    });
    queue = next.catch(() => undefined);
    return next;
  };
}

/** The choices offered for a request, each labelled by its effect. */
export function approvalChoices(request: ApprovalRequest): Choice[] {
  const decline: Choice = {
    key: "d",
    label: "decline (codex goes on without it)",
    decision: { decision: "decline", reason: "declined at the terminal" },
  };
  const once = (label: string): Choice => ({
    key: "a",
    label,
    decision: { decision: "accept", reason: "accepted at the terminal" },
  });
  const session = (label: string): Choice => ({
    key: "s",
    label,
    decision: { decision: "acceptForSession", reason: "accepted for the session at the terminal" },
  });
  switch (request.kind) {
    case "command": {
      const offered = request.command?.choices ?? [];
      const list = [once("run it once")];
      if (offered.includes("acceptForSession"))
        list.push(session("run it, and don't ask again this session"));
      const amendment = request.command?.amendment;
      if (offered.includes("acceptWithExecpolicyAmendment") && amendment && amendment.length > 0) {
        list.push({
          key: "p",
          label: `always allow commands starting with \`${amendment.join(" ")}\` (writes a permanent rule to $CODEX_HOME/rules/default.rules)`,
          decision: {
            decision: "acceptWithExecpolicyAmendment",
            amendment,
            reason: "permanent rule accepted at the terminal",
          },
        });
      }
      return [...list, decline];
    }
    case "fileChange":
      return [
        once("apply it"),
        session("apply it, and don't ask again for these files this session"),
        decline,
      ];
    case "permissions":
      return [once("grant for this turn"), session("grant for the rest of the session"), decline];
    default:
      return [once("allow it"), decline];
  }
}

async function ask(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision | "ctrl-c"> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const ctrlC = new AbortController();
  // In raw mode Ctrl-C reaches readline as a key, not as a signal.
  rl.on("SIGINT", () => ctrlC.abort());
  const both = AbortSignal.any([signal, ctrlC.signal]);
  try {
    if (request.kind === "userInput" && request.userInput) {
      const answers: Record<string, string[]> = {};
      for (const q of request.userInput.questions) {
        const options = q.options?.length ? ` [${q.options.join(" / ")}]` : "";
        const answer = await rl.question(`codex asks: ${q.question}${options}\n> `, { signal: both });
        answers[q.id] = [answer.trim()];
      }
      return { decision: "accept", answers };
    }
    const choices = approvalChoices(request);
    const menu = choices.map((c) => `  [${c.key}] ${c.label}`).join("\n");
    const keys = choices.map((c) => c.key).join("/");
    for (;;) {
      const answer = (
        await rl.question(`\ncodex wants to ${request.summary}\n${menu}\n${keys} > `, { signal: both })
      )
        .trim()
        .toLowerCase();
      const alias = answer === "y" ? "a" : answer === "n" ? "d" : answer;
      const choice = choices.find((c) => c.key === alias);
      if (choice) return choice.decision;
    }
  } catch (err) {
    if (ctrlC.signal.aborted) {
      process.stderr.write("^C\n");
      return "ctrl-c";
    }
    throw err;
  } finally {
    rl.close();
  }
}

/**
 * `--approval ask` with no terminal to ask on: every request is declined,
 * and the first one says so once on stderr.
 */
export function declineWithoutTerminal(
  out: { stderr: (s: string) => void },
  warn: (s: string) => string,
  prompt: { beforeAsk: () => void },
): ApprovalHandler {
  let warned = false;
  return () => {
    if (!warned) {
      warned = true;
      prompt.beforeAsk();
      out.stderr(
        `codex-bridge run: ${warn("no terminal to ask on: approval requests are declined")} (use --approval accept to allow)\n`,
      );
    }
    return { decision: "decline", reason: "no terminal to ask on" };
  };
}
