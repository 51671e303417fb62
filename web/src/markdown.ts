/**
 * Markdown for text that comes from codex (assistant messages, reasoning).
 * Raw HTML is off, so `<script>` and friends are shown as text; links and
 * images may only point at http, https or mailto (no `javascript:`, `data:`,
 * `vbscript:` or relative tricks); every link opens without a referrer or an
 * opener. The output of `renderMarkdown` is therefore safe for innerHTML.
 */
import MarkdownIt from "markdown-it";

const SAFE_SCHEMES = /^(https?:|mailto:)/i;

const md = new MarkdownIt({ html: false, linkify: true, breaks: false, typographer: false });

/** Only absolute http(s) and mailto targets survive; anything else renders as plain text. */
export function isSafeLink(url: string): boolean {
  // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:"): judge the cleaned form.
  // eslint-disable-next-line no-control-regex
  const cleaned = url.replace(/[\u0000-\u0020\u007f-\u009f]/g, "");
  return SAFE_SCHEMES.test(cleaned);
}

md.validateLink = isSafeLink;

const defaultLinkOpen =
  md.renderer.rules.link_open ??
  ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx];
  if (token) {
    token.attrSet("rel", "noopener noreferrer nofollow");
    token.attrSet("target", "_blank");
  }
  return defaultLinkOpen(tokens, idx, options, env, self);
};
// Images would fetch from anywhere at render time: show them as links instead.
md.renderer.rules.image = (tokens, idx) => {
  const token = tokens[idx];
  const src = String(token?.attrGet("src") ?? "");
  const alt = md.utils.escapeHtml(String(token?.content || "image"));
  if (!isSafeLink(src)) return alt;
  return `<a href="${md.utils.escapeHtml(src)}" rel="noopener noreferrer nofollow" target="_blank">[image: ${alt}]</a>`;
};

/** Renders codex's Markdown to HTML that carries no script, no raw HTML and no unsafe link. */
export function renderMarkdown(text: string): string {
  return md.render(text);
}
