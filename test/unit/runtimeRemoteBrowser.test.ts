// The browser build of codex-bridge/client (package.json "browser" condition)
// must load nothing of Node: every module it reaches in dist/ is walked and
// each bare import checked. The console bundles it with Vite.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  exports: Record<string, { browser?: string; import?: string }>;
};

/** Every module reachable from `entry` (static and dynamic imports), and the bare specifiers they import. */
function graph(entry: string): { files: string[]; bare: Map<string, string[]> } {
  const seen = new Set<string>();
  const bare = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    const specs = [
      ...text.matchAll(/\b(?:import|export)\s[^"']*?from\s*["']([^"']+)["']/g),
      ...text.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g),
      ...text.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ].map((m) => m[1] ?? "");
    for (const spec of specs) {
      if (spec.startsWith(".")) visit(resolve(dirname(file), spec));
      else bare.set(spec, [...(bare.get(spec) ?? []), relative(ROOT, file)]);
    }
  };
  visit(entry);
  return { files: [...seen], bare };
}

describe("codex-bridge/client in a browser", () => {
  const entry = join(ROOT, pkg.exports["./client"]?.browser ?? "missing");

  it("has a browser build", () => {
    expect(existsSync(entry), `${entry}: run npm run build`).toBe(true);
  });

  it("reaches no Node builtin and no package but zod", () => {
    const { files, bare } = graph(entry);
    expect(files.length).toBeGreaterThan(3);
    expect([...bare.keys()].filter((spec) => spec !== "zod")).toEqual([]);
  });

  it("the walker sees what the Node build loads (ws lazily, node: builtins)", () => {
    const { bare } = graph(join(ROOT, pkg.exports["./client"]?.import ?? "missing"));
    expect([...bare.keys()]).toEqual(expect.arrayContaining(["ws", "node:child_process", "node:fs"]));
  });
});
