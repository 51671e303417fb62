import type { Command } from "commander";
import { type DoctorReport, runDoctor } from "../../codex/diagnostics.js";
import { type BlockState, managedBlockState } from "../../migration/drift.js";
import { listManaged, type ManagedList } from "../../migration/list.js";
import { type Output, setExitCode } from "../output.js";

export function registerDoctor(program: Command, out: Output): void {
  program
    .command("doctor")
    .description(
      "check that codex can run a turn here: binary, version, CODEX_HOME, config.toml, account, managed block, MCP servers",
    )
    .option("--json", "print one JSON object instead of text")
    .option("--codex-bin <path>", "codex binary to check (default: $CODEX_BRIDGE_CODEX_BIN, bundled, PATH)")
    .option("--codex-home <dir>", "CODEX_HOME to check (default: $CODEX_HOME or ~/.codex)")
    .addHelpText(
      "after",
      "\nExit status: 0 when everything needed to run a turn is in place, 1 otherwise, 2 on usage errors.",
    )
    .action(async (opts: { json?: boolean; codexBin?: string; codexHome?: string }) => {
      const where = {
        ...(opts.codexBin ? { codexBin: opts.codexBin } : {}),
        ...(opts.codexHome ? { codexHome: opts.codexHome } : {}),
      };
      const report = await runDoctor(where);
      const managedBlock = report.binary.ok ? await managedBlockState(where) : null;
      const list = await listManaged(where).catch(() => null);
      if (opts.json) out.stdout(`${JSON.stringify({ ...report, managedBlock }, null, 2)}\n`);
      else out.stdout(renderDoctor(report, managedBlock, list));
      setExitCode(report.ok ? 0 : 1);
    });
}

function renderDoctor(r: DoctorReport, block: BlockState | null, list: ManagedList | null): string {
  const mark = (ok: boolean) => (ok ? "ok  " : "FAIL");
  const lines = [
    `${mark(r.binary.ok)} codex binary   ${r.binary.path ?? "not found"}${r.binary.source ? ` (${r.binary.source})` : ""}`,
    `${mark(r.binary.ok)} codex version  ${r.binary.version ?? "unknown"} (minimum ${r.binary.minimum})`,
    `     CODEX_HOME     ${r.codexHome.path} (${r.codexHome.source}${r.codexHome.exists ? "" : ", does not exist yet"})`,
    `     HOME           ${r.home}`,
    `${mark(r.config.parses)} config.toml    ${r.config.exists ? (r.config.parses ? "parses" : `does not parse: ${r.config.error}`) : "absent (codex defaults apply)"}`,
    `${mark(r.account.ok)} account        ${describeAccount(r.account)}`,
    `     managed block  ${describeBlock(block)}`,
  ];
  for (const server of r.mcpServers ?? []) {
    if (server.status === "disabled") {
      const why = list?.servers.find((m) => m.name === server.name)?.disabled;
      lines.push(
        `     mcp ${server.name}  disabled${why ? `: ${why}` : " (enabled = false in config.toml)"}`,
      );
      continue;
    }
    lines.push(
      `${server.status === "connected" ? "ok  " : "FAIL"} mcp ${server.name}  ${server.status === "connected" ? `connected, ${server.tools} tool(s)` : `failed: ${server.error ?? "did not start"}`}`,
    );
  }
  if (r.problems.length > 0) {
    lines.push("", "Problems:", ...r.problems.map((p) => `  - ${p}`));
  }
  if (r.warnings.length > 0) {
    lines.push(
      "",
      r.problems.length > 0 ? "Also:" : "A turn can run, but:",
      ...r.warnings.map((w) => `  - ${w}`),
    );
  }
  if (r.problems.length === 0 && r.warnings.length === 0) {
    lines.push("", "Everything needed to run a turn is in place.");
  }
  return `${lines.join("\n")}\n`;
}

function describeBlock(block: BlockState | null): string {
  if (!block) return "not checked (no usable codex binary)";
  switch (block.state) {
    case "absent":
      return "absent (run `codex-bridge migrate`)";
    case "current":
      return "current";
    case "drifted":
      return "drifted from what `codex-bridge migrate` would write now (see --json for the diff)";
    default:
      return `unknown: ${block.error ?? ""}`;
  }
}

function describeAccount(a: DoctorReport["account"]): string {
  if (a.error) return `unknown (${a.error.split("\n")[0]})`;
  switch (a.status) {
    case "chatgpt":
      return `logged in with ChatGPT${a.email ? ` as ${a.email}` : ""}${a.planType ? ` (${a.planType})` : ""}`;
    case "api-key":
      return "API key";
    case "other":
      return `logged in (${a.type})`;
    case "login-required":
      return "login required: run `npx codex login`";
    case "not-required":
      return "no OpenAI login needed for the configured model provider";
    default:
      return "not checked (no usable codex binary)";
  }
}
