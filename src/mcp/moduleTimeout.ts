/** The host tool modules' load limit, in a module of its own: `mcp-serve` checks its arguments without loading more. */

/** How long a host tool module may take to load (its top-level await included). */
export const DEFAULT_MODULE_TIMEOUT_MS = 5_000;

/** A positive whole number of milliseconds. */
export function isTimeout(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value > 0;
}
