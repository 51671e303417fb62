import type { Command } from "commander";
import { type DoctorReport, runDoctor } from "../../codex/diagnostics.js";
import { type Output, setExitCode } from "../output.js";

export function registerDoctor(program: Command, out: Output): void {
  program
    .command("doctor")
    .description("check that codex can run a turn here: binary, version, CODEX_HOME, config.toml, account")
    .option("--json", "print one JSON object instead of text")
    .option("--codex-bin <path>", "codex binary to check (default: $CODEX_BRIDGE_CODEX_BIN, bundled, PATH)")
    .option("--codex-home <dir>", "CODEX_HOME to check (default: $CODEX_HOME or ~/.codex)")
    .addHelpText(
      "after",
      "\nExit status: 0 when everything needed to run a turn is in place, 1 otherwise, 2 on usage errors.",
    )
    .action(async (opts: { json?: boolean; codexBin?: string; codexHome?: string }) => {
      const report = await runDoctor({
        ...(opts.codexBin ? { codexBin: opts.codexBin } : {}),
        ...(opts.codexHome ? { codexHome: opts.codexHome } : {}),
      });
      if (opts.json) out.stdout(`${JSON.stringify(report, null, 2)}\n`);
      else out.stdout(renderDoctor(report));
      setExitCode(report.ok ? 0 : 1);
    });
}

function renderDoctor(r: DoctorReport): string {
  const mark = (ok: boolean) => (ok ? "ok  " : "FAIL");
  const lines = [
    `${mark(r.binary.ok)} codex binary   ${r.binary.path ?? "not found"}${r.binary.source ? ` (${r.binary.source})` : ""}`,
    `${mark(r.binary.ok)} codex version  ${r.binary.version ?? "unknown"} (minimum ${r.binary.minimum})`,
    `     CODEX_HOME     ${r.codexHome.path} (${r.codexHome.source}${r.codexHome.exists ? "" : ", does not exist yet"})`,
    `     HOME           ${r.home}`,
    `${mark(r.config.parses)} config.toml    ${r.config.exists ? (r.config.parses ? "parses" : `does not parse: ${r.config.error}`) : "absent (codex defaults apply)"}`,
    `${mark(r.account.ok)} account        ${describeAccount(r.account)}`,
  ];
  if (r.problems.length > 0) {
    lines.push("", "Problems:", ...r.problems.map((p) => `  - ${p}`));
  } else {
    lines.push("", "Everything needed to run a turn is in place.");
  }
  return `${lines.join("\n")}\n`;
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
      return "login required: run `codex login`";
    case "not-required":
      return "no OpenAI login needed for the configured model provider";
    default:
      return "not checked (no usable codex binary)";
  }
}
