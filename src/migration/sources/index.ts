/**
 * The sources of MCP servers. `--from KIND` reads the kind's default
 * locations (a missing file is skipped); `--from KIND:PATH` reads PATH (a
 * missing file is an error).
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { BridgeError } from "../../errors.js";
import { type Dialect, mapServer } from "../mapServer.js";
import type { RefContext } from "../refs.js";
import { SOURCE_KINDS, type SourceKind, type SourceRef, type SourceResult, sourceLabel } from "../types.js";
import { bridgeSource } from "./bridge.js";
import { claudeCodeSource } from "./claudeCode.js";
import { claudeDesktopSource } from "./claudeDesktop.js";
import { homeOf, type SourceContext, type SourceReader } from "./common.js";
import { cursorSource } from "./cursor.js";
import { hermesSource } from "./hermes.js";
import { vscodeSource } from "./vscode.js";

export type { SourceContext } from "./common.js";

const READERS: Record<SourceKind, SourceReader> = {
  bridge: bridgeSource,
  "claude-desktop": claudeDesktopSource,
  "claude-code": claudeCodeSource,
  cursor: cursorSource,
  vscode: vscodeSource,
  hermes: hermesSource,
};

export function defaultContext(): SourceContext {
  return { env: process.env, cwd: process.cwd(), platform: process.platform };
}

/** Default locations of a kind. */
export function defaultPaths(kind: SourceKind, ctx: SourceContext): string[] {
  return READERS[kind].defaultPaths(ctx);
}

/** Parses `--from` values (`KIND` or `KIND:PATH`) into source refs; default `bridge`. */
export function parseSources(values: string[], ctx: SourceContext): SourceRef[] {
  const list = values.length > 0 ? values : ["bridge"];
  return list.flatMap((value): SourceRef[] => {
    const colon = value.indexOf(":");
    const kind = (colon === -1 ? value : value.slice(0, colon)).toLowerCase();
    if (!(SOURCE_KINDS as readonly string[]).includes(kind)) {
      throw new BridgeError(
        "INVALID_OPTION",
        `--from ${JSON.stringify(value)}: unknown source ${JSON.stringify(kind)}; use one of ${SOURCE_KINDS.join(", ")}, optionally as KIND:PATH`,
      );
    }
    if (colon !== -1) {
      const path = value.slice(colon + 1);
      if (!path)
        throw new BridgeError(
          "INVALID_OPTION",
          `--from ${JSON.stringify(value)}: the path after ":" is empty`,
        );
      return [{ kind: kind as SourceKind, path: resolve(ctx.cwd, path), explicit: true }];
    }
    return defaultPaths(kind as SourceKind, ctx).map((path) => ({
      kind: kind as SourceKind,
      path,
      explicit: false,
    }));
  });
}

/** Reads one source. Never throws: problems are in the result. */
export function readSource(source: SourceRef, ctx: SourceContext): SourceResult {
  const label = sourceLabel(source);
  const result: SourceResult = { source, label, found: false, servers: [], errors: [], fileError: null };
  if (!existsSync(source.path)) {
    if (source.explicit) result.fileError = `${source.path} does not exist`;
    return result;
  }
  result.found = true;
  let entries: Record<string, unknown>;
  let disabled: Record<string, string> = {};
  try {
    const reader = READERS[source.kind];
    const text = readFileSync(source.path, "utf8");
    entries = reader.extract(text, ctx, source.path);
    disabled = reader.disabled?.(text, ctx, source.path) ?? {};
  } catch (err) {
    result.fileError = `${source.path}: ${oneLineError(err)}`;
    return result;
  }
  const dialect: Dialect = source.kind === "hermes" ? "hermes" : source.kind === "bridge" ? "bridge" : "json";
  for (const [name, raw] of Object.entries(entries)) {
    const mapped = mapServer(name, raw, label, dialect, refContext(source, ctx));
    const off = disabled[name];
    if ("table" in mapped && off !== undefined) {
      mapped.table.enabled = false;
      mapped.disabled = mapped.disabled === undefined ? off : `${off}; ${mapped.disabled}`;
    }
    if ("table" in mapped) result.servers.push(mapped);
    else result.errors.push(mapped);
  }
  return result;
}

/**
 * What `${userHome}` and `${workspaceFolder}` stand for in a source file. Only a
 * project-scoped file (`.mcp.json`, `.vscode/mcp.json`, a project's `.cursor/mcp.json`)
 * belongs to a workspace: its project directory.
 */
export function refContext(source: SourceRef, ctx: SourceContext): RefContext {
  const home = homeOf(ctx);
  const dir = dirname(source.path);
  let workspace: string | null = null;
  if (basename(source.path) === ".mcp.json") workspace = dir;
  else if ([".vscode", ".cursor"].includes(basename(dir)) && dirname(dir) !== resolve(home))
    workspace = dirname(dir);
  return { home, workspace };
}

/** A parser's message on one line: its code frame cut off, and the colon that introduced it too. */
export function oneLineError(err: unknown): string {
  const first = (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
  return first.replace(/[\s:]+$/, "") || "does not parse";
}
