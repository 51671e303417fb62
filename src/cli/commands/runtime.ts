import { type Command, Option } from "commander";
import { type CodexBinary, resolveCodexBinary } from "../../codex/binary.js";
import { migrate, type MigrateResult } from "../../migration/apply.js";
import { bridgeConfigPath, bridgeHome } from "../../paths.js";
import {
  parseRuntimeSetting,
  type RuntimeSetting,
  readRuntimeSetting,
  writeRuntimeSetting,
} from "../../runtime/setting.js";
import { type Output, setExitCode } from "../output.js";
import { ensureDirectory } from "../storeAccess.js";

interface RuntimeFlags {
  json?: boolean;
  codexHome?: string;
  from: string[];
  plugins: boolean;
}

export function registerRuntime(program: Command, out: Output): void {
  program
    .command("runtime")
    .description("show or switch the opt-in runtime toggle (on = codex_app_server, off = auto)")
    .argument("[action]", "status | on | off | auto | codex_app_server", "status")
    .option("--json", "print one JSON object")
    .option(
      "--codex-home <dir>",
      "CODEX_HOME to migrate into when enabling (default: $CODEX_HOME or ~/.codex)",
    )
    .addOption(
      new Option("--from <source>", "sources to migrate when enabling (as for `migrate`), repeatable")
        .argParser((v: string, p: string[]) => [...p, v])
        .default([], "bridge"),
    )
    .option("--no-plugins", "do not ask codex for installed plugins when migrating")
    .addHelpText(
      "after",
      `
Enabling checks the codex binary first (missing or too old: refused, nothing
changed), records the setting in $CODEX_BRIDGE_HOME/config.toml, then runs
\`migrate\` (a failure there is shown but does not undo the switch). Enabling
again re-applies the migration. Disabling does not touch codex's config.
Exit status: 0 done, 1 refused, 2 usage error.`,
    )
    .action(async (action: string, flags: RuntimeFlags) => {
      if (action.toLowerCase() === "status") {
        setExitCode(await status(out, flags));
        return;
      }
      let target: RuntimeSetting;
      try {
        target = parseRuntimeSetting(action);
      } catch (err) {
        out.stderr(`codex-bridge runtime: ${(err as Error).message}\n`);
        setExitCode(2);
        return;
      }
      // Created level by level first: a recursive mkdir spins for ever on some paths (e.g. under /proc).
      ensureDirectory(bridgeHome());
      setExitCode(target === "codex_app_server" ? await enable(out, flags) : await disable(out, flags));
    });
}

async function checkBinary(): Promise<{ binary: CodexBinary | null; error: string | null }> {
  try {
    return { binary: await resolveCodexBinary(), error: null };
  } catch (err) {
    return { binary: null, error: err instanceof Error ? err.message : String(err) };
  }
}

async function status(out: Output, flags: RuntimeFlags): Promise<number> {
  const runtime = readRuntimeSetting();
  const { binary, error } = await checkBinary();
  if (flags.json) {
    out.stdout(
      `${JSON.stringify({ ok: error === null, runtime, configPath: bridgeConfigPath(), codex: binary, codexError: error })}\n`,
    );
  } else {
    out.stdout(`runtime: ${runtime}\nsetting: ${bridgeConfigPath()}\n`);
    out.stdout(
      binary ? `codex: ${binary.version} at ${binary.path} (${binary.source})\n` : `codex: ${error}\n`,
    );
  }
  return 0;
}

async function enable(out: Output, flags: RuntimeFlags): Promise<number> {
  const { binary, error } = await checkBinary();
  if (!binary) {
    if (flags.json) out.stdout(`${JSON.stringify({ ok: false, error })}\n`);
    out.stderr(`codex-bridge runtime: cannot enable: ${error} (nothing was changed)\n`);
    return 1;
  }
  const previous = await writeRuntimeSetting("codex_app_server");
  let migration: MigrateResult | null = null;
  let migrationError: string | null = null;
  try {
    migration = await migrate({
      from: flags.from,
      plugins: flags.plugins,
      ...(flags.codexHome ? { codexHome: flags.codexHome } : {}),
    });
  } catch (err) {
    migrationError = err instanceof Error ? err.message : String(err);
  }
  if (flags.json) {
    out.stdout(
      `${JSON.stringify({
        ok: true,
        runtime: "codex_app_server",
        previous,
        codex: binary,
        migration: migration && {
          configPath: migration.configPath,
          written: migration.written,
          ...migration.report,
        },
        migrationError,
      })}\n`,
    );
    return 0;
  }
  const lines = [
    previous === "codex_app_server"
      ? "runtime: already codex_app_server (the migration is re-applied)"
      : `runtime: ${previous} → codex_app_server`,
    `codex: ${binary.version} at ${binary.path} (${binary.source})`,
  ];
  if (migration) {
    const r = migration.report;
    lines.push(
      `config: ${migration.configPath} (${migration.written ? "updated" : "already current"})`,
      `servers migrated: ${r.migrated.map((m) => m.name).join(", ") || "none"}`,
      `plugins: ${r.plugins.error ?? (r.plugins.written.map((p) => p.id).join(", ") || "none")}`,
      `default permissions: ${r.defaultPermissions ?? "yours (default_permissions or sandbox_mode already set)"}`,
      `tool server: ${r.toolServer ? "codex-bridge-tools registered" : "not registered (you define codex-bridge-tools yourself)"}`,
    );
    // What migrate would say about each server: literal secrets copied, keys skipped, servers disabled.
    for (const m of r.migrated) {
      const notes = [
        ...(m.disabled !== undefined ? [`disabled: ${m.disabled}`] : []),
        ...m.warnings.map((w) => `warning: ${w}`),
        ...m.skipped.map((k) => `skipped: ${k}`),
      ];
      if (notes.length > 0) lines.push(`  ${m.name}:`, ...notes.map((n) => `      ${n}`));
    }
    for (const name of r.kept) lines.push(`  = ${name}: kept your own definition`);
    for (const repair of r.repairs) lines.push(`  repaired: ${repair}`);
    for (const s of r.sources) if (s.error) lines.push(`  ! error: source ${s.label}: ${s.error}`);
    for (const e of r.errors) lines.push(`  ! error: ${e.message}`);
  } else {
    lines.push(
      `migration failed: ${migrationError} (the runtime is enabled anyway; fix it and run \`codex-bridge migrate\`)`,
    );
  }
  out.stdout(`${lines.join("\n")}\n`);
  return 0;
}

async function disable(out: Output, flags: RuntimeFlags): Promise<number> {
  const previous = await writeRuntimeSetting("auto");
  if (flags.json) out.stdout(`${JSON.stringify({ ok: true, runtime: "auto", previous })}\n`);
  else out.stdout(`runtime: ${previous} → auto (codex's config.toml was not touched)\n`);
  return 0;
}
