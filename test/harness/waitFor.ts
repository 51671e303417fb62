// Polls until a condition holds, or fails naming what it waited for.

/** Resolves once `condition()` is true; rejects "timed out waiting for WHAT" after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  { timeoutMs = 30_000, intervalMs = 20 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
