/**
 * Removes secrets from text before it reaches an error message, a log or the
 * store: well-known token formats (OpenAI, GitHub, AWS, Slack, npm, GitLab,
 * JWTs, PEM private keys), bearer tokens, passwords in URLs and on command
 * lines, and values of variables or keys whose names say they hold a secret.
 */

/** What a secret is replaced with. */
export const REDACTED = "[REDACTED]";

const SECRET_NAME = String.raw`(?:api[_-]?key|apikey|token|secret|password|passwd|authorization|credential|private[_-]?key)`;

const PATTERNS: Array<[RegExp, string]> = [
  // PEM private keys, whole blocks (and a block cut off before its END line).
  [
    /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g,
    `-----BEGIN $1PRIVATE KEY-----${REDACTED}-----END $1PRIVATE KEY-----`,
  ],
  [
    /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----(?!\[REDACTED\])[\s\S]*$/g,
    `-----BEGIN $1PRIVATE KEY-----${REDACTED}`,
  ],
  // OpenAI and similar keys: sk-..., sk-proj-..., including underscores and dashes.
  [/\bsk-[A-Za-z0-9_-]{8,}/g, REDACTED],
  // GitHub: fine-grained PATs and the classic/OAuth/app token prefixes.
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, REDACTED],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, REDACTED],
  // AWS access key ids (long-term AKIA, temporary ASIA).
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, REDACTED],
  // Slack, npm, GitLab tokens.
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/g, REDACTED],
  [/\bnpm_[A-Za-z0-9]{20,}/g, REDACTED],
  [/\bglpat-[A-Za-z0-9_-]{20,}/g, REDACTED],
  // Passwords in URLs: scheme://user:password@host.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^/\s:@]+):(?!\[REDACTED\])[^/\s@]+@/gi, `$1:${REDACTED}@`],
  // Authorization headers and bearer tokens.
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  // JWT-looking blobs (id tokens, access tokens).
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, REDACTED],
  // Command-line flags with a separate value: --password X, --api-key X.
  [
    new RegExp(String.raw`(--?[A-Za-z0-9_-]*${SECRET_NAME}[A-Za-z0-9_-]*\s+)(?!-|\[REDACTED\])(\S+)`, "gi"),
    `$1${REDACTED}`,
  ],
  // NAME=value / "name": "value" / name: value / --name=value where the name says secret.
  [
    new RegExp(
      String.raw`((?:[A-Za-z0-9_-]*${SECRET_NAME}[A-Za-z0-9_-]*)["']?\s*[:=]\s*["']?)(?!(?:Bearer|Basic|Token)\s|\[REDACTED\])([^\s"',;}]{4,})`,
      "gi",
    ),
    `$1${REDACTED}`,
  ],
];

/** Returns `text` with secrets replaced by `[REDACTED]`. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Keys whose value is a secret (but not `*_env_var`: those name a variable). */
const SECRET_KEY = new RegExp(String.raw`${SECRET_NAME}|(?:^|[_-])key$|cookie`, "i");
const NAMES_A_VARIABLE = /_env_vars?$/i;
const SECRET_FLAG = new RegExp(String.raw`^--?[A-Za-z0-9_-]*${SECRET_NAME}[A-Za-z0-9_-]*$`, "i");
/** Maps whose every value may be a secret: environment variables and HTTP headers. */
const SECRET_MAPS = new Set(["env", "headers", "http_headers", "shell_environment_policy.set"]);

/**
 * A deep copy of JSON-like `value` with secrets replaced by `[REDACTED]`:
 * values of secret-named keys, every value of an `env` or headers map
 * (dotted config keys such as `mcp_servers.x.env.API_KEY` included), and
 * secrets inside strings ({@link redactSecrets}).
 */
export function redactValue(value: unknown, path: readonly string[] = []): unknown {
  if (typeof value === "string") {
    const last = path.at(-1) ?? "";
    const inMap = underSecretMap(path);
    if ((SECRET_KEY.test(last) && !NAMES_A_VARIABLE.test(last)) || inMap) return REDACTED;
    return redactSecrets(value);
  }
  if (Array.isArray(value)) {
    // An argument list: the value after a secret-named flag (["--token", "x"]) is a secret.
    return value.map((v, i) =>
      typeof v === "string" && i > 0 && SECRET_FLAG.test(String(value[i - 1]))
        ? REDACTED
        : redactValue(v, path),
    );
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, redactValue(v, [...path, ...k.split(".")])]),
    );
  }
  return value;
}

function underSecretMap(path: readonly string[]): boolean {
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i] ?? "";
    if (SECRET_MAPS.has(segment) || (i > 0 && SECRET_MAPS.has(`${path[i - 1]}.${segment}`))) return true;
  }
  return false;
}

/**
 * A deep copy of `value` without the values {@link redactValue} replaced
 * whole (so they are not sent on as if real). Text with a secret cut out of
 * it (instructions, a URL) is kept as it is.
 */
export function withoutRedacted(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== REDACTED).map(withoutRedacted);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== REDACTED)
        .map(([k, v]) => [k, withoutRedacted(v)]),
    );
  }
  return value;
}
