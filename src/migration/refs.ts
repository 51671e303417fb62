/**
 * `${…}` references in another tool's server entry. VS Code, Cursor and
 * Claude Code expand them when they start a server; codex passes text
 * literally (a server got argv `["${workspaceFolder}"]`). What is known at
 * migration time is filled in here (`${userHome}`, `${workspaceFolder}` of
 * a project-scoped file, `${pathSeparator}`); everything else is left for
 * the caller to map to a codex field (`env_vars`, `bearer_token_env_var`,
 * `env_http_headers`) or to report.
 */
import { basename } from "node:path";

export interface RefContext {
  /** The user's home directory (`${userHome}`). */
  home: string;
  /** The project a project-scoped source belongs to (`${workspaceFolder}`); null for user-level files. */
  workspace: string | null;
}

const REF = /\$\{([^}]*)\}/g;

/** `${NAME}`, `${env:NAME}`, optionally with Claude Code's `:-default`. */
export const ENV_REF = /^\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}$/;

export interface Resolved {
  value: string;
  /** The references left in `value`, as written (`${env:X}`, `${input:key}`…). */
  left: string[];
}

export function resolveRefs(text: string, ctx: RefContext): Resolved {
  const left: string[] = [];
  const value = text.replace(REF, (whole, inner: string) => {
    const known = known_(inner.trim(), ctx);
    if (known !== null) return known;
    left.push(whole);
    return whole;
  });
  return { value, left };
}

function known_(name: string, ctx: RefContext): string | null {
  if (name === "userHome") return ctx.home;
  if (name === "pathSeparator" || name === "/") return "/";
  if (ctx.workspace !== null) {
    if (name === "workspaceFolder" || name === "workspaceRoot") return ctx.workspace;
    if (name === "workspaceFolderBasename") return basename(ctx.workspace);
  }
  return null;
}

export const isInputRef = (ref: string) => /^\$\{input:/.test(ref);
