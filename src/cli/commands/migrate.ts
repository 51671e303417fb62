import { type Command, Option } from "commander";
import { isBridgeError } from "../../errors.js";
import { migrate, type MigrateOptions, type MigrateResult } from "../../migration/apply.js";
import { listManaged, type ManagedList } from "../../migration/list.js";
import { maskSecrets } from "../../migration/mask.js";
import { SOURCE_KINDS } from "../../migration/types.js";
import { unifiedDiff } from "../../util/diff.js";
import { type Output, setExitCode } from "../output.js";

interface MigrateFlags {
  from: string[];
  dryRun?: boolean;
  codexHome?: string;
  json?: boolean;
  plugins: boolean;
  remove?: boolean;
}

export function registerMigrate(program: Command, out: Output): void {
  const migrateCommand = program
    .command("migrate")
    .description("write MCP servers, installed plugins and the bridge's tool server into codex's config.toml")
    .addOption(
      new Option(
        "--from <source>",
        `where servers come from: KIND or KIND:PATH, repeatable (KIND: ${SOURCE_KINDS.join(", ")})`,
      )
        .argParser((value: string, previous: string[]) => [...previous, value])
        .default([], "bridge"),
    )
    .option("--dry-run", "print a unified diff of what would change and write nothing")
    .option("--codex-home <dir>", "CODEX_HOME whose config.toml is edited (default: $CODEX_HOME or ~/.codex)")
    .option("--json", "print the report as one JSON object")
    .option("--no-plugins", "do not ask codex for installed plugins")
    .option(
      "--remove",
      "take the managed block out of config.toml again (with --from: only the servers of those sources)",
    )
    .addHelpText(
      "after",
      `
Everything codex-bridge writes sits between two marker comments in config.toml;
everything else in the file stays byte for byte. A config.toml that does not
parse is refused and left as it is. Exit status: 0 done (or nothing to do;
your own definition of a server kept over a source's is not a failure),
1 refused, failed, or some server or source could not be migrated (the
others are written; every such line says "error"), 2 usage error.`,
    )
    .action(async (flags: MigrateFlags) => {
      await run(out, flags, {
        from: flags.from,
        dryRun: flags.dryRun ?? false,
        plugins: flags.plugins,
        remove: flags.remove ?? false,
        ...(flags.codexHome ? { codexHome: flags.codexHome } : {}),
      });
    });
  migrateCommand
    .command("list")
    .description(
      "list the servers and plugins migrate wrote into config.toml: source, enabled or not, and why",
    )
    .option("--codex-home <dir>", "CODEX_HOME whose config.toml is read (default: $CODEX_HOME or ~/.codex)")
    .option("--json", "print one JSON object")
    .addHelpText(
      "after",
      "\nWrites nothing. Exit status: 0 listed, 1 CODEX_HOME missing or config.toml unreadable.",
    )
    .action(async (_flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<{ codexHome?: string; json?: boolean }>();
      try {
        const list = await listManaged(flags.codexHome ? { codexHome: flags.codexHome } : {});
        if (flags.json) out.stdout(`${JSON.stringify({ ok: true, ...list }, null, 2)}\n`);
        else out.stdout(renderList(list));
        setExitCode(0);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (flags.json)
          out.stdout(
            `${JSON.stringify({ ok: false, code: isBridgeError(err) ? err.code : null, error: message })}\n`,
          );
        out.stderr(`codex-bridge migrate list: ${message}\n`);
        setExitCode(1);
      }
    });
  migrateCommand
    .command("remove")
    .description("take servers migrate wrote out of config.toml (your own servers are never touched)")
    .argument("<name...>", "server names (as in codex, or as in their source)")
    .option("--codex-home <dir>", "CODEX_HOME whose config.toml is edited (default: $CODEX_HOME or ~/.codex)")
    .option("--dry-run", "print a unified diff of what would change and write nothing")
    .option("--json", "print the report as one JSON object")
    .addHelpText(
      "after",
      "\nExit status: 0 removed, 1 no such server in the managed block (or it is your own), 2 usage error.",
    )
    .action(async (names: string[], _flags: unknown, command: Command) => {
      // Options written after the subcommand can land on `migrate` itself (it has the same ones).
      const flags = command.optsWithGlobals<Omit<MigrateFlags, "from" | "plugins">>();
      await run(out, flags, {
        removeServers: names,
        dryRun: flags.dryRun ?? false,
        ...(flags.codexHome ? { codexHome: flags.codexHome } : {}),
      });
    });
}

async function run(out: Output, flags: { json?: boolean }, options: MigrateOptions): Promise<void> {
  try {
    const result = await migrate(options);
    if (flags.json) out.stdout(`${JSON.stringify(toJson(result), null, 2)}\n`);
    else out.stdout(renderReport(result));
    // Servers that could not be migrated are reported and fail the run; the others are written.
    setExitCode(result.report.sources.some((s) => s.error) || result.report.errors.length > 0 ? 1 : 0);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = isBridgeError(err) ? err.code : null;
    if (flags.json) out.stdout(`${JSON.stringify({ ok: false, code, error: message })}\n`);
    out.stderr(`codex-bridge migrate: ${message}\n`);
    // By code, never by message text: a bad --from is a usage error, anything else a failure.
    setExitCode(code === "INVALID_OPTION" ? 2 : 1);
  }
}

function toJson(r: MigrateResult) {
  return {
    ok: !r.report.sources.some((s) => s.error) && r.report.errors.length === 0,
    configPath: r.configPath,
    written: r.written,
    dryRun: r.dryRun,
    backupPath: r.backupPath,
    codexCheck: r.codexCheck,
    ...(r.dryRun ? { diff: maskedDiff(r, r.configPath) } : {}),
    ...r.report,
  };
}

function renderList(list: ManagedList): string {
  const lines = [`${list.configPath}:`];
  if (list.servers.length === 0) lines.push("  no servers written by migrate");
  for (const s of list.servers) {
    lines.push(
      `  ${s.name}  ${s.enabled ? "enabled " : "disabled"}  ${s.source}${s.from !== null ? ` (named ${JSON.stringify(s.from)} there)` : ""}`,
    );
    if (s.disabled !== null) lines.push(`      why: ${s.disabled}`);
  }
  if (list.plugins.length > 0)
    lines.push(`plugins: ${list.plugins.map((p) => `${p.id}${p.enabled ? "" : " (disabled)"}`).join(", ")}`);
  if (list.rewritten)
    lines.push(
      "note: another program rearranged config.toml since migrate wrote it; the next migrate rebuilds the block",
    );
  return `${lines.join("\n")}\n`;
}

/** The diff of what migrate changes, with secrets shown as `*****` (as `codex mcp list` does). */
function maskedDiff(r: MigrateResult, after: string): string {
  return unifiedDiff(maskSecrets(r.before ?? ""), maskSecrets(r.after), { a: r.configPath, b: after });
}

export function renderReport(r: MigrateResult): string {
  const rep = r.report;
  const lines: string[] = [];
  if (r.dryRun) {
    const diff = maskedDiff(r, `${r.configPath} (after migrate)`);
    lines.push(diff ? diff.trimEnd() : "no changes", "");
  }
  for (const s of rep.sources) {
    lines.push(
      `source ${s.label}: ${s.error ? `error: ${s.error}` : s.found ? `${s.servers} server(s)` : "not found"}`,
    );
  }
  for (const m of rep.migrated) {
    lines.push(`  + ${m.name} (${m.source})${m.disabled !== undefined ? " — written disabled" : ""}`);
    if (m.disabled !== undefined) lines.push(`      disabled: ${m.disabled}`);
    for (const w of m.warnings) lines.push(`      warning: ${w}`);
    for (const k of m.skipped) lines.push(`      skipped: ${k}`);
  }
  for (const name of rep.kept) lines.push(`  = ${name}: kept your own definition outside the block`);
  for (const k of rep.retained) lines.push(`  = ${k.name}: kept from ${k.source}`);
  for (const name of rep.removed)
    lines.push(`  - ${name}: ${r.action === "remove" ? "removed" : "gone from its source"}`);
  for (const e of rep.errors) lines.push(`  ! error: ${e.message}`);
  if (rep.plugins.error) lines.push(`plugins: ${rep.plugins.error} (the block keeps the plugins it had)`);
  else if (rep.plugins.written.length) {
    lines.push(
      `plugins: ${rep.plugins.written.map((p) => `${p.id}${p.enabled ? "" : " (disabled)"}`).join(", ")}`,
    );
  }
  if (rep.defaultPermissions)
    lines.push(`default_permissions = "${rep.defaultPermissions}" (you had set neither it nor sandbox_mode)`);
  if (rep.toolServer) lines.push("tool server: codex-bridge-tools registered");
  for (const repair of rep.repairs) lines.push(`repaired: ${repair}`);
  if (typeof r.codexCheck === "object") {
    lines.push(
      `note: codex --strict-config rejects your config.toml as it already was: ${r.codexCheck.rejectedOriginalToo}`,
    );
  }
  const failed = rep.sources.filter((s) => s.error).length;
  if (failed + rep.errors.length > 0) {
    lines.push(
      "",
      `error: not everything was migrated (${[
        failed ? `${failed} source(s) could not be read` : "",
        rep.errors.length ? `${rep.errors.length} server(s) not migrated` : "",
      ]
        .filter(Boolean)
        .join(
          ", ",
        )}; see the lines marked error above); the rest was ${r.dryRun ? "planned" : "written"} — exit status 1`,
    );
  }
  const verb = r.dryRun
    ? r.changed
      ? "would change"
      : "would not change"
    : r.written
      ? "updated"
      : "unchanged:";
  lines.push(
    "",
    `${verb} ${r.configPath}${r.written && r.backupPath ? ` (backup: ${r.backupPath})` : ""}${r.changed || r.dryRun ? "" : " (already current)"}`,
  );
  return `${lines.join("\n")}\n`;
}
