// How `run` ends, locally or through a gateway: the result printed (human or
// JSON), the last message written where asked, and the exit status.
import { writeFileSync } from "node:fs";
import type { TurnResult } from "../codex/events.js";
import { EPIPE_EXIT, type Output } from "./output.js";
import { type HumanRenderer, jsonResult } from "./render.js";

/** Exit status of `run` by turn status. */
export const RUN_EXIT = { completed: 0, failed: 1, interrupted: 130 } as const;

export function reportTurnResult(
  final: TurnResult,
  flags: { json?: boolean; outputLastMessage?: string },
  renderer: HumanRenderer,
  out: Output,
  stopping: string | null,
): number {
  if (flags.json) out.stdout(jsonResult(final));
  else renderer.result(final);
  if (flags.outputLastMessage && (final.status === "completed" || final.finalText !== "")) {
    writeFileSync(flags.outputLastMessage, final.finalText);
  }
  return stopping === "epipe" ? EPIPE_EXIT : RUN_EXIT[final.status];
}
