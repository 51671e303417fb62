/**
 * Removes secrets from text before it reaches an error message or a log:
 * OpenAI-style keys, bearer tokens, and values of variables or flags whose
 * names say they hold a secret.
 */

const REDACTED = "[REDACTED]";

const PATTERNS: Array<[RegExp, string]> = [
  // OpenAI and similar keys: sk-..., sk-proj-..., including underscores and dashes.
  [/\bsk-[A-Za-z0-9_-]{8,}/g, REDACTED],
  // Authorization headers and bearer tokens.
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  // JWT-looking blobs (id tokens, access tokens).
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, REDACTED],
  // NAME=value / "name": "value" / name: value where the name says secret.
  [
    /((?:[A-Za-z0-9_-]*(?:api[_-]?key|token|secret|password|passwd|authorization|credential)[A-Za-z0-9_-]*)["']?\s*[:=]\s*["']?)(?!(?:Bearer|Basic|Token)\s|\[REDACTED\])([^\s"',;}]{4,})/gi,
    `$1${REDACTED}`,
  ],
];

/** Returns `text` with secrets replaced by `[REDACTED]`. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
