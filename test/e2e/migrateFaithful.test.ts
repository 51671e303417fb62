// Migrated servers do what they did in the tool they came from, on the real
// codex: names codex accepts, `${…}` references resolved or reported, tool
// filters no wider than the user's, disabled servers disabled.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { CodexClient } from "../../src/codex/client.js";
import { migrate } from "../../src/migration/apply.js";
import { tempDir, trackPid } from "../harness/tracking.js";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/migration/${name}`, import.meta.url));
const PROBE = fixture("probeMcpServer.mjs");

/** A fixture with `__NODE__` and `__PROBE__` filled in, written to `dir`. */
function source(dir: string, name: string, vars: Record<string, string> = {}, as = name): string {
  let body = readFileSync(fixture(name), "utf8")
    .replaceAll("__NODE__", process.execPath)
    .replaceAll("__PROBE__", PROBE);
  for (const [k, v] of Object.entries(vars)) body = body.replaceAll(`__${k}__`, v);
  const path = join(dir, as);
  writeFileSync(path, body);
  return path;
}

type Status = Awaited<ReturnType<CodexClient["mcpServerStatusList"]>>["data"][number];

/** Each configured server as a fresh thread of the real codex sees it, once every one has settled. */
async function startedServers(
  codexHome: string,
  cwd: string,
  env: Record<string, string> = {},
): Promise<Map<string, Status>> {
  await using client = await CodexClient.start({ codexHome, cwd, env });
  trackPid(client.process.pid);
  const { thread } = await client.threadStart({ cwd });
  let data: Status[] = [];
  for (let i = 0; i < 100; i++) {
    data = (await client.mcpServerStatusList({ threadId: thread.id })).data;
    if (data.every((s) => s.runtimeStatus !== "starting")) break;
    await new Promise((r) => setTimeout(r, 150));
  }
  return new Map(data.map((s) => [s.name, s]));
}

const probeOf = (s: Status | undefined) =>
  JSON.parse(String((s?.tools as Record<string, { description?: string }>)?.probe?.description)) as {
    argv: string[];
    cwd: string;
    env: Record<string, string>;
  };

const servers = (home: string) =>
  (parseToml(readFileSync(join(home, "config.toml"), "utf8")) as { mcp_servers: Record<string, any> })
    .mcp_servers;

describe("migrated servers start in codex as they did in their tool", () => {
  it("names codex refuses are normalised, reported, and stay the same on the next run", async () => {
    await using dir = tempDir("codex-bridge-faith-");
    writeFileSync(join(dir.path, "config.toml"), "[features]\nplugins = false\n");
    const src = source(dir.path, "claude-desktop-names.json");
    const first = await migrate({
      codexHome: dir.path,
      from: [`claude-desktop:${src}`],
      plugins: false,
      toolServer: false,
    });
    const started = await startedServers(dir.path, dir.path);
    for (const [name, s] of started) expect(s.runtimeStatus, name).toBe("connected");
    for (const name of ["Sequential_Thinking", "Desktop_Commander", "AWS_API_MCP_Server", "memory"]) {
      expect(started.get(name)?.runtimeStatus, name).toBe("connected");
    }
    expect(first.report.migrated.map((m) => [m.name, m.renamedFrom]).sort()).toEqual([
      ["AWS_API_MCP_Server", "AWS API MCP Server"],
      ["Desktop_Commander", "Desktop Commander"],
      ["Sequential_Thinking", "Sequential Thinking"],
      ["memory", undefined],
    ]);
    // A second run keeps the names and changes nothing.
    const again = await migrate({
      codexHome: dir.path,
      from: [`claude-desktop:${src}`],
      plugins: false,
      toolServer: false,
    });
    expect(again.changed).toBe(false);
    expect(Object.keys(servers(dir.path)).sort()).toEqual([
      "AWS_API_MCP_Server",
      "Desktop_Commander",
      "Sequential_Thinking",
      "memory",
    ]);
  });

  it("${…} references: known ones are filled in, env ones passed through, the rest reported and the server disabled", async () => {
    await using dir = tempDir("codex-bridge-faith-");
    const codexHome = join(dir.path, "codex");
    const home = join(dir.path, "home");
    const ws = join(dir.path, "project");
    mkdirSync(codexHome);
    mkdirSync(join(home, ".cursor"), { recursive: true });
    mkdirSync(join(ws, ".vscode"), { recursive: true });
    mkdirSync(join(ws, "src"));
    writeFileSync(join(codexHome, "config.toml"), "[features]\nplugins = false\n");
    const vscode = source(join(ws, ".vscode"), "vscode-workspace-mcp.json");
    const cursor = source(join(home, ".cursor"), "cursor-global-refs.json");
    const dotMcp = source(ws, "dot-mcp-defaults.json");
    const result = await migrate({
      codexHome,
      from: [`vscode:${vscode}`, `cursor:${cursor}`, `claude-code:${dotMcp}`],
      plugins: false,
      toolServer: false,
      context: { env: { HOME: home }, cwd: ws },
    });
    const byName = new Map(result.report.migrated.map((m) => [m.name, m]));
    // The workspace's file: ${workspaceFolder} is the project, ${userHome} the home.
    const started = await startedServers(codexHome, ws, { PROBE_TOKEN: "tok-from-codex-env" });
    expect(started.get("probe")?.runtimeStatus).toBe("connected");
    expect(probeOf(started.get("probe"))).toEqual({
      argv: [join(ws, "src"), join(home, ".cache")],
      cwd: ws,
      env: { PROBE_ROOT: ws, PROBE_TOKEN: "tok-from-codex-env" },
    });
    expect(started.get("notes")?.runtimeStatus).toBe("connected");
    expect(probeOf(started.get("notes")).argv).toEqual([join(home, "notes")]);
    // A user-level file has no workspace; ${env:X} cannot be put into argv; ${input:…} cannot be asked for.
    const table = servers(codexHome);
    for (const name of ["workspace-fs", "github", "asks", "api"]) {
      expect(table[name]?.enabled, name).toBe(false);
      expect(started.get(name)?.runtimeStatus, name).not.toBe("connected");
    }
    expect(byName.get("workspace-fs")?.disabled).toBe(
      "args[1] needs ${workspaceFolder}, which codex does not expand there; args[2] needs ${env:CURSOR_MCP_KEY}, which codex does not expand there",
    );
    expect(byName.get("github")?.disabled).toMatch(
      /^headers\.Authorization is a bearer token from \$\{input:github-token\}, a value its tool asks the user for; codex cannot ask/,
    );
    expect(byName.get("asks")?.disabled).toContain("env.PROBE_KEY needs ${input:api-key}");
    expect(byName.get("api")?.disabled).toContain("${API_BASE_URL:-https://api.example.com}");
    expect(table.api.env_vars).toEqual(["PROBE_LEVEL"]);
    expect(byName.get("api")?.warnings.join()).toContain('the default "info"');
    // The block says why, next to the table.
    expect(readFileSync(join(codexHome, "config.toml"), "utf8")).toContain(
      "# disabled: env.PROBE_KEY needs ${input:api-key}",
    );
  });

  it("Hermes tool filters: globs expanded against the real tool list, include wins, never wider", async () => {
    await using dir = tempDir("codex-bridge-faith-");
    writeFileSync(join(dir.path, "config.toml"), "[features]\nplugins = false\n");
    const src = source(dir.path, "hermes-tool-filters.yaml");
    const result = await migrate({
      codexHome: dir.path,
      from: [`hermes:${src}`],
      plugins: false,
      toolServer: false,
    });
    const started = await startedServers(dir.path, dir.path);
    const tools = (name: string) => Object.keys(started.get(name)?.tools ?? {}).sort();
    expect(tools("github")).toEqual(["create_issue", "list_issues", "probe"]);
    expect(tools("issues-only")).toEqual(["create_issue"]);
    expect(tools("globbed")).toEqual(["create_issue", "delete_issue", "list_issues"]);
    expect(tools("both")).toEqual(["list_issues"]);
    const byName = new Map(result.report.migrated.map((m) => [m.name, m]));
    expect(byName.get("github")?.warnings.join()).toContain(
      'tools.exclude ["delete_*"] expanded against the server\'s 5 tool(s) as listed now: delete_issue, delete_repo',
    );
    expect(byName.get("both")?.skipped).toContain(
      "tools.exclude: ignored, as in Hermes, because tools.include is set (include wins)",
    );
    expect(servers(dir.path).unreachable.enabled).toBe(false);
    expect(byName.get("unreachable")?.disabled).toMatch(
      /^tools\.exclude \["delete_\*"\] are patterns codex cannot match/,
    );
  });

  it("Claude Code servers the user turned off or never approved are written disabled", async () => {
    await using dir = tempDir("codex-bridge-faith-");
    const codexHome = join(dir.path, "codex");
    const home = join(dir.path, "home");
    const ws = join(dir.path, "project");
    for (const d of [codexHome, home, ws]) mkdirSync(d);
    writeFileSync(join(codexHome, "config.toml"), "[features]\nplugins = false\n");
    source(home, "claude-code-home.json", { WS: ws }, ".claude.json");
    source(ws, "claude-code-project.mcp.json", {}, ".mcp.json");
    const result = await migrate({
      codexHome,
      from: ["claude-code"],
      plugins: false,
      toolServer: false,
      context: { env: { HOME: home }, cwd: ws },
    });
    const started = await startedServers(codexHome, ws);
    const connected = [...started].filter(([, s]) => s.runtimeStatus === "connected").map(([n]) => n);
    expect(connected.sort()).toEqual(["proj-on", "user-on"]);
    const table = servers(codexHome);
    for (const name of ["user-off", "proj-off", "proj-unapproved"])
      expect(table[name].enabled, name).toBe(false);
    const why = Object.fromEntries(result.report.migrated.map((m) => [m.name, m.disabled]));
    expect(why["user-off"]).toContain("disabledMcpServers");
    expect(why["proj-off"]).toContain("disabledMcpjsonServers");
    expect(why["proj-unapproved"]).toContain("not approved in Claude Code");
    expect(why["proj-on"]).toBeUndefined();
  });

  it("SSE-only servers are written disabled with the reason, so codex does not fail on them", async () => {
    await using dir = tempDir("codex-bridge-faith-");
    writeFileSync(join(dir.path, "config.toml"), "[features]\nplugins = false\n");
    const src = source(dir.path, "cursor-sse.json");
    const result = await migrate({
      codexHome: dir.path,
      from: [`cursor:${src}`],
      plugins: false,
      toolServer: false,
    });
    const started = await startedServers(dir.path, dir.path);
    expect(started.get("linear")?.runtimeStatus).not.toBe("failed");
    expect(started.get("asana")?.runtimeStatus).not.toBe("failed");
    const table = servers(dir.path);
    expect([table.linear.enabled, table.asana.enabled, table.context7.enabled]).toEqual([
      false,
      false,
      undefined,
    ]);
    const why = Object.fromEntries(result.report.migrated.map((m) => [m.name, m.disabled]));
    expect(why.linear).toContain("codex speaks streamable HTTP only");
    expect(why.asana).toContain("its url ends in /sse");
  });

  it("JSONC: commas and comment marks inside strings reach the server as written; a wrong type is named", async () => {
    await using dir = tempDir("codex-bridge-faith-");
    writeFileSync(join(dir.path, "config.toml"), "[features]\nplugins = false\n");
    const src = source(dir.path, "vscode-commas.jsonc");
    const result = await migrate({
      codexHome: dir.path,
      from: [`vscode:${src}`],
      plugins: false,
      toolServer: false,
    });
    const started = await startedServers(dir.path, dir.path);
    expect(probeOf(started.get("grep")).argv).toEqual([
      "--pattern=[a-z,]",
      "--flag=a,]",
      "// not a comment",
      "a,}",
    ]);
    expect(result.report.errors).toEqual([
      {
        name: "typo",
        source: `vscode:${src}`,
        message: "server typo: command must be a string, got number 5",
      },
    ]);
  });
});
