/**
 * `codex-bridge/migration`: `migrate` and the pieces under it — the pure
 * planner (sources + current config.toml → the new managed block and a
 * report) and the managed block's drift check.
 */
export { type MigrateOptions, type MigrateResult, migrate } from "./apply.js";
export { type BlockState, managedBlockState } from "./drift.js";
export { listManaged, type ManagedList, type ManagedServer } from "./list.js";
export {
  DEFAULT_PERMISSIONS,
  type MigrationReport,
  type PlanInput,
  planMigration,
  TOOL_SERVER_NAME,
} from "./plan.js";
export { SOURCE_KINDS, type SourceKind } from "./types.js";
