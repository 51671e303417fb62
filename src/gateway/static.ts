/**
 * Static files of the web console, with a strict Content-Security-Policy:
 * scripts, styles and connections only from the gateway itself.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";

export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".map": "application/json",
  ".txt": "text/plain; charset=utf-8",
};

/** Answers `path` from `dir` (`/` → index.html); 404 for anything outside it or missing. */
export async function serveStatic(
  dir: string,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const root = resolve(dir);
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    decoded = "\0";
  }
  const file = resolve(join(root, normalize(decoded === "/" ? "/index.html" : decoded)));
  const headers = {
    "content-security-policy": CONSOLE_CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  };
  const inside = file === root || file.startsWith(root + sep);
  const info = inside && !decoded.includes("\0") ? await stat(file).catch(() => null) : null;
  if (!info?.isFile()) {
    res.writeHead(404, { ...headers, "content-type": "text/plain; charset=utf-8" });
    return void res.end("not found\n");
  }
  res.writeHead(200, {
    ...headers,
    "content-type": TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
    "content-length": info.size,
    "cache-control": file.endsWith("index.html") ? "no-cache" : "public, max-age=3600",
  });
  if (req.method === "HEAD") return void res.end();
  createReadStream(file).pipe(res);
}
