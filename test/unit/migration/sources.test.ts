import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { mapServer } from "../../../src/migration/mapServer.js";
import { defaultPaths, parseSources, readSource } from "../../../src/migration/sources/index.js";
import type { SourceKind } from "../../../src/migration/types.js";

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/migration/${name}`, import.meta.url));
const ctx = { env: { HOME: "/home/me" }, cwd: "/work/project", platform: "linux" as const };

function read(kind: SourceKind, file: string) {
  const result = readSource({ kind, path: fixture(file), explicit: true }, ctx);
  expect(result.fileError).toBeNull();
  return result;
}
const server = (r: ReturnType<typeof read>, name: string) => r.servers.find((s) => s.name === name);

describe("migration sources", () => {
  it("Claude Desktop: stdio servers; a literal token is copied with a warning", () => {
    const r = read("claude-desktop", "claude_desktop_config.json");
    expect(server(r, "filesystem")?.table).toEqual({
      command: "npx",
      args: ["-y", "@modelcontextprotocol/server-filesystem", "/Users/me/Desktop"],
    });
    const github = server(r, "github");
    expect(github?.table.env).toEqual({ GITHUB_PERSONAL_ACCESS_TOKEN: "ghp_literalsecret0123456789" });
    expect(github?.warnings.join()).toContain("env.GITHUB_PERSONAL_ACCESS_TOKEN: a literal secret is copied");
  });

  it("Claude Code: user servers and this project's servers; a bearer variable becomes bearer_token_env_var", () => {
    const r = read("claude-code", "claude.json");
    expect(r.servers.map((s) => s.name).sort()).toEqual(["db", "sentry"]);
    expect(server(r, "sentry")?.table).toEqual({
      url: "https://mcp.sentry.dev/mcp",
      bearer_token_env_var: "SENTRY_TOKEN",
    });
    expect(server(r, "db")?.table).toEqual({
      command: "node",
      args: ["db-server.js"],
      env_vars: ["DATABASE_URL"],
    });
  });

  it("a project's .mcp.json: a variable under another name is reported, not copied", () => {
    const r = read("claude-code", "dot-mcp.json");
    const pw = server(r, "playwright");
    expect(pw?.table.env).toEqual({ DISPLAY: ":1" });
    expect(pw?.skipped).toEqual([expect.stringContaining("env.API_KEY: refers to ${OTHER_KEY}")]);
  });

  it("Cursor: sse is written disabled, disabled becomes enabled = false, unknown keys are reported", () => {
    const r = read("cursor", "cursor-mcp.json");
    expect(server(r, "linear")?.table.enabled).toBe(false);
    expect(server(r, "linear")?.disabled).toContain("codex speaks streamable HTTP only");
    expect(server(r, "local")?.table).toEqual({
      command: "python3",
      args: ["server.py"],
      cwd: "/srv/tools",
      enabled: false,
    });
    expect(server(r, "local")?.skipped).toEqual(["autoApprove: no codex equivalent"]);
  });

  it("VS Code: JSONC with comments and trailing commas; ${input:…} disables the server, ${env:X} becomes env_http_headers", () => {
    const r = read("vscode", "vscode-mcp.json");
    expect(server(r, "fetch")?.table).toEqual({ command: "uvx", args: ["mcp-server-fetch"] });
    const weather = server(r, "weather");
    expect(weather?.table).toEqual({
      url: "http://localhost:3000/mcp",
      env_http_headers: { "X-Env": "WEATHER_ENV" },
      enabled: false,
    });
    expect(weather?.disabled).toContain("headers.X-Api-Key needs ${input:api-key}");
  });

  it("Hermes: timeouts, tool filters, enabled, and oauth reported", () => {
    const r = read("hermes", "hermes-config.yaml");
    expect(server(r, "time")?.table).toEqual({
      command: "uvx",
      args: ["mcp-server-time"],
      tool_timeout_sec: 120,
      startup_timeout_sec: 30,
    });
    const remote = server(r, "remote_api");
    expect(remote?.table.http_headers).toEqual({ Authorization: "Bearer sk-literal-0123456789abcdef" });
    expect(remote?.warnings.join()).toContain("headers.Authorization: a literal secret is copied");
    expect(remote?.skipped).toEqual(["auth: no codex equivalent"]);
    // Hermes lets include win: exclude is ignored (and reported) rather than narrowing codex's list twice.
    expect(server(r, "picky")?.table).toEqual({
      command: "npx",
      args: ["picky"],
      enabled: false,
      enabled_tools: ["a", "b"],
    });
    expect(server(r, "picky")?.skipped).toEqual([expect.stringContaining("include wins")]);
  });

  it("codex-bridge's own config: codex keys pass through, others are reported", () => {
    const r = read("bridge", "bridge-config.toml");
    expect(server(r, "echo")?.table).toEqual({
      command: "node",
      args: ["echo.js"],
      env: { ECHO_PREFIX: "> " },
      env_vars: ["HOME_TOKEN"],
      tool_timeout_sec: 30,
      enabled_tools: ["echo"],
    });
    expect(server(r, "weird")?.table).toEqual({
      url: "http://127.0.0.1:9/mcp",
      bearer_token_env_var: "TOKEN",
    });
    expect(server(r, "weird")?.skipped).toEqual(["retries: not a codex MCP server key"]);
  });

  it("a server with neither command nor url is an error for that server only", () => {
    const ok = mapServer("fine", { command: "x" }, "test:src", "json");
    const bad = mapServer("empty", { description: "nothing" }, "test:src", "json");
    expect("table" in ok).toBe(true);
    expect(bad).toEqual({
      name: "empty",
      source: "test:src",
      message: "server empty: has neither a command nor a url",
    });
    expect(mapServer("args", { command: "x", args: "not-a-list" }, "s", "json")).toMatchObject({
      message: "server args: args must be a list of strings",
    });
  });

  it("reports an unreadable file and a missing explicit path; skips a missing default", () => {
    const broken = readSource({ kind: "cursor", path: fixture("hermes-config.yaml"), explicit: true }, ctx);
    expect(broken.fileError).toMatch(/hermes-config\.yaml: /);
    const missing = readSource({ kind: "cursor", path: "/nope/mcp.json", explicit: true }, ctx);
    expect(missing.fileError).toBe("/nope/mcp.json does not exist");
    const quiet = readSource({ kind: "cursor", path: "/nope/mcp.json", explicit: false }, ctx);
    expect(quiet).toMatchObject({ found: false, fileError: null, servers: [] });
  });

  it("parses --from values and knows the default locations", () => {
    expect(parseSources([], ctx)).toEqual([
      { kind: "bridge", path: "/home/me/.codex-bridge/config.toml", explicit: false },
    ]);
    expect(parseSources(["cursor:rel/mcp.json"], ctx)).toEqual([
      { kind: "cursor", path: "/work/project/rel/mcp.json", explicit: true },
    ]);
    expect(defaultPaths("claude-code", ctx)).toEqual(["/home/me/.claude.json", "/work/project/.mcp.json"]);
    expect(defaultPaths("claude-desktop", { ...ctx, platform: "darwin" })[0]).toBe(
      "/home/me/Library/Application Support/Claude/claude_desktop_config.json",
    );
    expect(defaultPaths("hermes", ctx)).toEqual(["/home/me/.hermes/config.yaml"]);
    expect(() => parseSources(["windsurf"], ctx)).toThrow(
      /unknown source "windsurf"; use one of bridge, claude-desktop/,
    );
  });
});
