/** Whether codex's config.toml holds the managed block `migrate` would write now. */
import { unifiedDiff } from "../util/diff.js";
import { migrate } from "./apply.js";
import { splitBlock } from "./managedBlock.js";
import { maskSecrets } from "./mask.js";

export interface BlockState {
  state: "absent" | "current" | "drifted" | "unknown";
  configPath: string | null;
  /** What `migrate` would change (drifted only). */
  diff: string | null;
  error: string | null;
}

export async function managedBlockState(
  options: { codexHome?: string; codexBin?: string } = {},
): Promise<BlockState> {
  try {
    const result = await migrate({ ...options, dryRun: true });
    const present = result.before !== null && splitBlock(result.before).block !== null;
    if (!present) return { state: "absent", configPath: result.configPath, diff: null, error: null };
    if (!result.changed) return { state: "current", configPath: result.configPath, diff: null, error: null };
    return {
      state: "drifted",
      configPath: result.configPath,
      diff: unifiedDiff(maskSecrets(result.before ?? ""), maskSecrets(result.after), {
        a: result.configPath,
        b: `${result.configPath} (migrate)`,
      }),
      error: null,
    };
  } catch (err) {
    return {
      state: "unknown",
      configPath: null,
      diff: null,
      error: err instanceof Error ? err.message : String(err),
    };
  }
}
