/**
 * One server entry from another tool's config → a codex `[mcp_servers.NAME]`
 * table. Keys with a codex equivalent are mapped; every other key is
 * reported with the reason; `${VAR}` references become pass-through
 * (`env_vars`, `bearer_token_env_var`, `env_http_headers`) instead of
 * literal text; literal secrets are copied only with a warning.
 */
import type { TomlValue } from "../util/toml.js";
import { isGlob, type ToolFilter } from "./toolFilters.js";
import { ENV_REF, isInputRef, type RefContext, resolveRefs } from "./refs.js";
import type { CodexServerTable, ImportedServer, ServerError } from "./types.js";

export type Dialect = "json" | "hermes" | "bridge";

type Raw = Record<string, unknown>;

const ANY_REF = /\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/;
const BEARER_REF = /^Bearer\s+(\$\{[^}]*\})$/i;
const NO_REFS: RefContext = { home: "~", workspace: null };
const SECRET_NAME = /token|secret|password|passwd|api[_-]?key|auth|credential|private/i;
const SECRET_VALUE = /^(?:sk-|ghp_|gho_|github_pat_|xox[abp]-|AKIA|eyJ)|^Bearer\s+\S{8,}/;

/** codex keys a bridge-config server may use as they are. */
const CODEX_KEYS = new Set([
  "command",
  "args",
  "env",
  "env_vars",
  "cwd",
  "url",
  "bearer_token_env_var",
  "http_headers",
  "env_http_headers",
  "startup_timeout_sec",
  "tool_timeout_sec",
  "enabled",
  "enabled_tools",
  "disabled_tools",
]);

export function mapServer(
  name: string,
  raw: unknown,
  source: string,
  dialect: Dialect,
  refs: RefContext = NO_REFS,
): ImportedServer | ServerError {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    return { name, source, message: `server ${name}: expected a table/object, got ${typeof raw}` };
  }
  const entry = raw as Raw;
  const table: CodexServerTable = {};
  const skipped: string[] = [];
  const warnings: string[] = [];
  /** Why the server cannot work as codex would start it: it is written disabled. */
  const blockers: string[] = [];
  const envVars = new Set<string>();
  const filter: { pending?: ToolFilter } = {};
  // Text codex would pass literally: fill in what is known, and a reference left means the server
  // would get something else than in its own tool.
  const literal = (text: string, where: string): string => {
    const r = resolveRefs(text, refs);
    if (r.left.length > 0)
      blockers.push(`${where} needs ${r.left.join(", ")}, which codex does not expand there`);
    return r.value;
  };
  const handled = new Set<string>();
  const take = (key: string) => {
    handled.add(key);
    return entry[key];
  };

  const command = take("command");
  const url = take("url") ?? take("serverUrl");
  for (const [key, value] of [
    ["command", command],
    ["url", url],
  ] as const) {
    if (value !== undefined && value !== null && typeof value !== "string") {
      return {
        name,
        source,
        message: `server ${name}: ${key} must be a string, got ${Array.isArray(value) ? "a list" : typeof value} ${JSON.stringify(value)}`,
      };
    }
  }
  if (typeof command === "string" && command !== "") {
    table.command = literal(command, "command");
    const args = take("args");
    if (args !== undefined) {
      if (Array.isArray(args) && args.every((a) => typeof a === "string" || typeof a === "number")) {
        table.args = args.map((a, i) => literal(String(a), `args[${i}]`));
      } else {
        return { name, source, message: `server ${name}: args must be a list of strings` };
      }
    }
    const cwd = take("cwd");
    if (typeof cwd === "string") table.cwd = literal(cwd, "cwd");
    mapEnv(take("env"), table, envVars, { skipped, warnings, blockers, refs });
    if (typeof url === "string") skipped.push(`url: ignored, the server has a command (stdio)`);
  } else if (typeof url === "string" && url !== "") {
    table.url = literal(url, "url");
    mapHeaders(take("headers") ?? take("http_headers"), table, { skipped, warnings, blockers, refs });
    if (take("env") !== undefined)
      skipped.push("env: an HTTP server is not a process codex starts; no environment to set");
  } else {
    return { name, source, message: `server ${name}: has neither a command nor a url` };
  }

  const transport = take("type") ?? take("transport");
  const sse =
    typeof transport === "string"
      ? /^sse$/i.test(transport)
      : typeof table.url === "string" && /\/sse\/?(?:\?.*)?$/i.test(table.url);
  if (sse) {
    blockers.push(
      `${typeof transport === "string" ? `type ${transport}` : "its url ends in /sse"}: an SSE server; codex speaks streamable HTTP only (an SSE-only server answers codex's POST with 404) — enable it if the server also speaks streamable HTTP`,
    );
  } else if (
    typeof transport === "string" &&
    !/^(stdio|http|streamable-?http|streamableHttp)$/i.test(transport)
  ) {
    skipped.push(`type: ${transport} has no codex equivalent`);
  }

  // Enabled / disabled.
  const disabled = take("disabled");
  const enabled = take("enabled");
  if (disabled === true || enabled === false) blockers.unshift("disabled in its source");

  // Timeouts, in seconds.
  if (dialect === "hermes") {
    seconds(take("timeout"), "tool_timeout_sec", table, skipped, "timeout");
    seconds(take("connect_timeout"), "startup_timeout_sec", table, skipped, "connect_timeout");
    const tools = take("tools");
    if (tools !== undefined) mapHermesTools(tools, table, filter, skipped);
  }
  for (const key of ["startup_timeout_sec", "tool_timeout_sec"] as const) {
    if (entry[key] !== undefined) seconds(take(key), key, table, skipped, key);
  }
  for (const key of ["enabled_tools", "disabled_tools"] as const) {
    const v = take(key);
    if (v === undefined) continue;
    if (stringList(v)) table[key] = v;
    else skipped.push(`${key}: expected a list of tool names`);
  }
  if (dialect === "bridge") {
    for (const key of ["env_vars", "bearer_token_env_var", "env_http_headers"] as const) {
      const v = take(key);
      if (v === undefined) continue;
      if (key === "env_vars" && stringList(v)) v.forEach((n) => envVars.add(n));
      else if (key === "bearer_token_env_var" && typeof v === "string") table.bearer_token_env_var = v;
      else if (key === "env_http_headers" && isStringMap(v)) table.env_http_headers = v;
      else skipped.push(`${key}: unexpected value`);
    }
  }
  if (envVars.size > 0) table.env_vars = [...envVars].sort();

  for (const key of Object.keys(entry)) {
    if (handled.has(key)) continue;
    skipped.push(
      dialect === "bridge" && !CODEX_KEYS.has(key)
        ? `${key}: not a codex MCP server key`
        : `${key}: no codex equivalent`,
    );
  }
  const server: ImportedServer = { name, source, table, skipped, warnings };
  if (filter.pending) server.toolFilter = filter.pending;
  if (blockers.length > 0) {
    table.enabled = false;
    server.disabled = blockers.join("; ");
  }
  return server;
}

interface Notes {
  skipped: string[];
  warnings: string[];
  blockers: string[];
  refs: RefContext;
}

function mapEnv(env: unknown, table: CodexServerTable, envVars: Set<string>, notes: Notes) {
  const { skipped, warnings, blockers } = notes;
  if (env === undefined || env === null) return;
  if (!isPlainObject(env)) {
    skipped.push("env: expected a table of NAME = value");
    return;
  }
  const literal: Record<string, TomlValue> = {};
  for (const [key, value] of Object.entries(env)) {
    const raw = typeof value === "number" || typeof value === "boolean" ? String(value) : value;
    if (typeof raw !== "string") {
      skipped.push(`env.${key}: not a string`);
      continue;
    }
    const { value: text, left } = resolveRefs(raw, notes.refs);
    const ref = ENV_REF.exec(text);
    if (ref?.[1] === key) {
      envVars.add(key);
      if (ref[2] !== undefined) {
        warnings.push(
          `env.${key}: passed through from codex's environment; the default ${JSON.stringify(ref[2])} of ${text} does not apply in codex`,
        );
      }
    } else if (left.some(isInputRef)) {
      blockers.push(
        `env.${key} needs ${left.filter(isInputRef).join(", ")}, a value its tool asks the user for; codex cannot ask`,
      );
    } else if (left.length > 0 || ANY_REF.test(text)) {
      skipped.push(
        `env.${key}: refers to ${text}; codex passes variables through only under their own name — set ${key} in codex's environment and add it to env_vars`,
      );
    } else {
      literal[key] = text;
      if (SECRET_NAME.test(key) || SECRET_VALUE.test(text)) {
        warnings.push(
          `env.${key}: a literal secret is copied into config.toml (consider env_vars and your shell environment)`,
        );
      }
    }
  }
  if (Object.keys(literal).length > 0) table.env = literal;
}

function mapHeaders(headers: unknown, table: CodexServerTable, notes: Notes) {
  const { skipped, warnings, blockers } = notes;
  if (headers === undefined || headers === null) return;
  if (!isPlainObject(headers)) {
    skipped.push("headers: expected a table of Header = value");
    return;
  }
  const literal: Record<string, TomlValue> = {};
  const fromEnv: Record<string, TomlValue> = {};
  for (const [header, raw] of Object.entries(headers)) {
    if (typeof raw !== "string") {
      skipped.push(`headers.${header}: not a string`);
      continue;
    }
    const { value, left } = resolveRefs(raw, notes.refs);
    const bearer = /^authorization$/i.test(header) ? BEARER_REF.exec(value) : null;
    const bearerVar = bearer?.[1] ? ENV_REF.exec(bearer[1]) : null;
    const exact = ENV_REF.exec(value);
    if (left.some(isInputRef)) {
      const inputs = left.filter(isInputRef).join(", ");
      blockers.push(
        bearer
          ? `headers.${header} is a bearer token from ${inputs}, a value its tool asks the user for; codex cannot ask — set the token in an environment variable and use bearer_token_env_var`
          : `headers.${header} needs ${inputs}, a value its tool asks the user for; codex cannot ask`,
      );
    } else if (bearerVar?.[1]) {
      table.bearer_token_env_var = bearerVar[1];
    } else if (exact?.[1]) {
      fromEnv[header] = exact[1];
    } else if (ANY_REF.test(value)) {
      skipped.push(
        `headers.${header}: ${value} mixes text and a variable; codex can only send a whole variable as a header`,
      );
    } else {
      literal[header] = value;
      if (/^authorization$/i.test(header) || SECRET_NAME.test(header) || SECRET_VALUE.test(value)) {
        warnings.push(
          `headers.${header}: a literal secret is copied into config.toml (consider "Bearer \${VAR}" so it becomes bearer_token_env_var)`,
        );
      }
    }
  }
  if (Object.keys(literal).length > 0) table.http_headers = literal;
  if (Object.keys(fromEnv).length > 0) table.env_http_headers = fromEnv;
}

/**
 * Hermes' `tools.include` / `tools.exclude` (a list or one name; globs allowed). Hermes lets
 * `include` win, so `exclude` is then ignored, as in Hermes. Exact names map directly; globs
 * are left for {@link expandToolFilters}.
 */
function mapHermesTools(
  tools: unknown,
  table: CodexServerTable,
  filter: { pending?: ToolFilter },
  skipped: string[],
) {
  if (!isPlainObject(tools)) {
    skipped.push("tools: expected a table with include / exclude");
    return;
  }
  const list = (v: unknown): string[] | null => (typeof v === "string" ? [v] : stringList(v) ? v : null);
  const include = tools.include === undefined || tools.include === null ? null : list(tools.include);
  const exclude = tools.exclude === undefined || tools.exclude === null ? null : list(tools.exclude);
  for (const key of ["include", "exclude"] as const) {
    if (tools[key] !== undefined && tools[key] !== null && list(tools[key]) === null)
      skipped.push(`tools.${key}: expected a tool name or a list of them`);
  }
  for (const key of Object.keys(tools))
    if (key !== "include" && key !== "exclude") skipped.push(`tools.${key}: no codex equivalent`);
  const [kind, patterns] = include
    ? (["include", include] as const)
    : exclude
      ? (["exclude", exclude] as const)
      : [null, null];
  if (include && exclude && exclude.length > 0)
    skipped.push(`tools.exclude: ignored, as in Hermes, because tools.include is set (include wins)`);
  if (!kind || !patterns) return;
  if (patterns.some(isGlob)) filter.pending = { kind, patterns: [...patterns] };
  else table[kind === "include" ? "enabled_tools" : "disabled_tools"] = [...patterns];
}

function seconds(value: unknown, key: string, table: CodexServerTable, skipped: string[], from: string) {
  if (value === undefined) return;
  if (typeof value === "number" && Number.isFinite(value) && value > 0) table[key] = value;
  else skipped.push(`${from}: expected a number of seconds > 0`);
}

function stringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

function isPlainObject(v: unknown): v is Raw {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

function isStringMap(v: unknown): v is Record<string, string> {
  return isPlainObject(v) && Object.values(v).every((x) => typeof x === "string");
}
