/**
 * Server names codex accepts. codex refuses, when it starts a server, any
 * name outside `^[a-zA-Z0-9_:@/.-]+$` ("Sequential Thinking" is written and
 * accepted by `--strict-config`, then never starts). Such a name is
 * normalised once; the managed block records the original, so the codex
 * name stays the same on every later run.
 */

export const CODEX_NAME = /^[a-zA-Z0-9_:@/.-]+$/;

/** Every run of characters codex refuses becomes one `_`; empty names become `server`. */
export function normaliseName(name: string): string {
  const out = name.replace(/[^a-zA-Z0-9_:@/.-]+/g, "_").replace(/^_+|_+$/g, "");
  return out === "" ? "server" : out;
}

/** `base`, or `base_2`, `base_3`… whichever is not taken. */
export function freeName(base: string, taken: (name: string) => boolean): string {
  if (!taken(base)) return base;
  for (let n = 2; ; n++) if (!taken(`${base}_${n}`)) return `${base}_${n}`;
}
