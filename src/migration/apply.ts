/**
 * `migrate`: read the sources, plan the managed block, check the result, and
 * replace codex's config.toml atomically under an inter-process lock, with a
 * timestamped backup. A config.toml that does not parse is never touched.
 */
import { existsSync } from "node:fs";
import { readdir, readFile, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import lockfile from "proper-lockfile";
import { resolveCodexBinary } from "../codex/binary.js";
import { BridgeError } from "../errors.js";
import { codexHome as defaultCodexHome } from "../paths.js";
import { atomicWrite, tempPrefix, writeSynced } from "../util/atomicFile.js";
import { type MigrationReport, type PluginDiscovery, planMigration, type RemoveSelection } from "./plan.js";
import { discoverPlugins } from "./plugins.js";
import { defaultContext, parseSources, readSource, type SourceContext } from "./sources/index.js";
import { expandToolFilters } from "./toolFilters.js";
import { toolServerTable } from "./toolServer.js";
import { sourceLabel } from "./types.js";
import { codexCheck, parseCheck } from "./validate.js";

export interface MigrateOptions {
  /** `--from` values: `KIND` or `KIND:PATH`. Default `["bridge"]`. */
  from?: string[];
  /** CODEX_HOME whose config.toml is edited. Default `$CODEX_HOME` or `~/.codex`. */
  codexHome?: string;
  codexBin?: string;
  /** Compute and report, write nothing. */
  dryRun?: boolean;
  /** Do not ask codex for installed plugins (the block keeps the ones it had). */
  plugins?: boolean;
  /** Leave the bridge's own tool server out. Default: included. */
  toolServer?: boolean;
  /**
   * Take the managed block out. With `from`, only the servers of those sources (`KIND` matches
   * every path of that kind); with `removeServers`, only those servers. The rest of the block stays.
   */
  remove?: boolean;
  /** Servers to take out of the block (codex name or the name in their source); implies `remove`. */
  removeServers?: string[];
  /** Where project-level sources are looked for, and how paths resolve. */
  context?: Partial<SourceContext>;
  /** How long to wait for another process's migration to release the lock, in ms. Default 60000. */
  lockTimeoutMs?: number;
  /** Backups kept. Default 5. */
  keepBackups?: number;
  /** Test hook: runs after the temp file is written and synced, before the rename. */
  beforeRename?: (tempPath: string) => void | Promise<void>;
}

export interface MigrateResult {
  configPath: string;
  /** The file was (or, with dryRun, would be) changed. */
  changed: boolean;
  written: boolean;
  dryRun: boolean;
  /** `remove`: servers were taken out (`report.removed` names them), nothing was added. */
  action: "migrate" | "remove";
  backupPath: string | null;
  /** The text before and after (for diffs). */
  before: string | null;
  after: string;
  report: MigrationReport;
  /** Whether codex's --strict-config check ran, and what it said. */
  codexCheck: "passed" | "skipped" | { rejectedOriginalToo: string };
}

export async function migrate(options: MigrateOptions = {}): Promise<MigrateResult> {
  const lockTimeoutMs = options.lockTimeoutMs ?? 60_000;
  if (!Number.isFinite(lockTimeoutMs) || lockTimeoutMs < 0) {
    throw new BridgeError(
      "INVALID_OPTION",
      `lockTimeoutMs must be a number of milliseconds ≥ 0, got ${String(options.lockTimeoutMs)}`,
    );
  }
  const home = options.codexHome ?? defaultCodexHome();
  const configPath = join(home, "config.toml");
  if (!existsSync(home)) {
    throw new BridgeError(
      "NOT_FOUND",
      `CODEX_HOME ${home} does not exist: create it (mkdir -p ${home}) or point --codex-home at codex's home; nothing was written`,
      { details: { path: home } },
    );
  }
  const ctx: SourceContext = { ...defaultContext(), ...options.context };
  const removing = options.remove === true || (options.removeServers?.length ?? 0) > 0;
  const selection = removing ? removeSelection(options, ctx) : false;
  const sources = removing ? [] : parseSources(options.from ?? [], ctx).map((s) => readSource(s, ctx));
  await expandToolFilters(
    sources.flatMap((s) => s.servers),
    options.codexBin ? { codexBin: options.codexBin } : {},
  );
  const plugins: PluginDiscovery =
    removing || options.plugins === false
      ? null
      : await discoverPlugins({
          ...(options.codexBin ? { codexBin: options.codexBin } : {}),
          codexHome: home,
        });

  const release = options.dryRun ? null : await lock(configPath, lockTimeoutMs);
  try {
    if (!options.dryRun) await removeStaleTemps(home);
    const before = existsSync(configPath) ? await readFile(configPath, "utf8") : null;
    if (before !== null) {
      const parsed = parseCheck(before);
      if (!parsed.ok) {
        throw new BridgeError(
          "CONFIG_INVALID",
          `${configPath} does not parse (${parsed.error}); fix it first — nothing was written`,
          { details: { path: configPath } },
        );
      }
    }
    const plan = planMigration({
      currentText: before,
      sources,
      plugins,
      toolServer: options.toolServer === false ? null : toolServerTable(ctx.env),
      remove: selection,
    });
    const result: MigrateResult = {
      configPath,
      changed: plan.report.changed,
      written: false,
      dryRun: options.dryRun ?? false,
      action: removing ? "remove" : "migrate",
      backupPath: null,
      before,
      after: plan.text,
      report: plan.report,
      codexCheck: "skipped",
    };
    if (!plan.report.changed) return result;

    const parsed = parseCheck(plan.text);
    if (!parsed.ok) {
      throw new BridgeError(
        "CONFIG_INVALID",
        `the new config.toml would not parse (${parsed.error}); nothing was written`,
        { details: { path: configPath } },
      );
    }
    result.codexCheck = await strictCheck(plan.text, before, options.codexBin, configPath);
    if (options.dryRun) return result;

    result.backupPath = before === null ? null : await backup(configPath, before, options.keepBackups ?? 5);
    await atomicWrite(
      configPath,
      plan.text,
      options.beforeRename ? { beforeRename: options.beforeRename } : {},
    );
    result.written = true;
    return result;
  } finally {
    await release?.();
  }
}

/** What `remove` takes out: everything, or the servers of some sources and/or some names. */
function removeSelection(options: MigrateOptions, ctx: SourceContext): true | RemoveSelection {
  const from = options.from ?? [];
  const names = options.removeServers ?? [];
  if (from.length === 0 && names.length === 0) return true;
  const selection: RemoveSelection = {};
  if (names.length > 0) selection.names = names;
  if (from.length > 0) {
    const kinds = new Set<string>();
    const labels = new Set<string>();
    for (const value of from) {
      if (value.includes(":")) for (const ref of parseSources([value], ctx)) labels.add(sourceLabel(ref));
      else kinds.add(parseSources([value], ctx)[0]?.kind ?? value);
    }
    selection.source = (label) => labels.has(label) || kinds.has(label.slice(0, label.indexOf(":")));
  }
  return selection;
}

async function strictCheck(
  text: string,
  before: string | null,
  codexBin: string | undefined,
  configPath: string,
): Promise<MigrateResult["codexCheck"]> {
  let bin: string;
  try {
    bin = (await resolveCodexBinary(codexBin ? { codexBin } : {})).path;
  } catch {
    return "skipped"; // no usable codex binary: the parse check above is all we can do
  }
  const candidate = await codexCheck(text, bin, { reportPath: `${configPath} (as migrate would write it)` });
  if (candidate.ok) return "passed";
  // If codex rejects the user's file as it is, our change is not the cause.
  const original =
    before === null ? { ok: true as const } : await codexCheck(before, bin, { reportPath: configPath });
  if (!original.ok) return { rejectedOriginalToo: original.error };
  throw new BridgeError(
    "CONFIG_INVALID",
    `codex --strict-config rejects the new config.toml (${candidate.error}); nothing was written`,
  );
}

async function lock(configPath: string, timeoutMs: number): Promise<() => Promise<void>> {
  const lockfilePath = `${configPath}.codex-bridge.lock`;
  const deadline = Date.now() + timeoutMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    try {
      return await lockfile.lock(configPath, {
        realpath: false,
        lockfilePath,
        // A lock left by a killed process is taken over after 5 s (the holder refreshes it every 2.5 s).
        stale: 5_000,
      });
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== "ELOCKED") {
        throw new BridgeError("CONFIG_INVALID", `cannot lock ${configPath}: ${(cause as Error).message}`, {
          cause,
          details: { path: configPath },
        });
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new BridgeError(
          "LOCKED",
          `another process is migrating ${configPath} (lock ${lockfilePath}); try again when it is done`,
          { cause, details: { path: configPath, lockfilePath } },
        );
      }
      // Jittered so that many waiting processes do not retry in step.
      await new Promise((r) => setTimeout(r, Math.min(left, delay * (0.5 + Math.random()))));
    }
  }
}

/** Temp files left by a process that died between write and rename. Only called under the lock. */
async function removeStaleTemps(home: string): Promise<void> {
  for (const name of await readdir(home)) {
    if (name.startsWith(tempPrefix("config.toml")) && name.endsWith(".tmp"))
      await rm(join(home, name), { force: true });
  }
}

async function backup(configPath: string, text: string, keep: number): Promise<string> {
  // Millisecond stamps: several runs within a second still sort in order.
  const stamp = new Date().toISOString().replace(/[-:.]/g, "");
  const dir = join(configPath, "..");
  const prefix = `${basename(configPath)}.codex-bridge-backup-`;
  let path = join(dir, `${prefix}${stamp}`);
  for (let n = 1; existsSync(path); n++) path = join(dir, `${prefix}${stamp}-${n}`);
  const mode = (await stat(configPath)).mode & 0o777;
  await writeSynced(path, text, mode);
  const backups = (await readdir(dir)).filter((n) => n.startsWith(prefix)).sort();
  for (const old of backups.slice(0, Math.max(0, backups.length - keep)))
    await rm(join(dir, old), { force: true });
  return path;
}
