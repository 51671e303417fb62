/** Shapes shared by the migration: sources, imported servers, the report. */
import type { TomlValue } from "../util/toml.js";
import type { ToolFilter } from "./toolFilters.js";

export const SOURCE_KINDS = [
  "bridge",
  "claude-desktop",
  "claude-code",
  "cursor",
  "vscode",
  "hermes",
] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** Where servers are read from. `label` (`kind:path`) is how the managed block remembers provenance. */
export interface SourceRef {
  kind: SourceKind;
  path: string;
  /** Given on the command line (a missing file is then an error, not a quiet skip). */
  explicit: boolean;
}

/** A server's codex `[mcp_servers.NAME]` table. */
export type CodexServerTable = Record<string, TomlValue>;

export interface ImportedServer {
  name: string;
  /** `kind:path` of the source. */
  source: string;
  table: CodexServerTable;
  /** Keys with no codex equivalent, each with why: reported, never silently dropped. */
  skipped: string[];
  /** Things the user should know (a literal secret copied, SSE transport…). */
  warnings: string[];
  /** Why the server is written with `enabled = false` (absent: enabled as in its source). */
  disabled?: string;
  /** A glob tool filter still to expand against the server's tools (Hermes). */
  toolFilter?: ToolFilter;
}

export interface ServerError {
  name: string;
  source: string;
  message: string;
}

export interface SourceResult {
  source: SourceRef;
  label: string;
  /** The file existed and was read. */
  found: boolean;
  servers: ImportedServer[];
  errors: ServerError[];
  /** The file could not be read or parsed at all. */
  fileError: string | null;
}

export function sourceLabel(source: SourceRef): string {
  return `${source.kind}:${source.path}`;
}
