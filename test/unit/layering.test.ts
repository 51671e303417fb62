// The dependency rule of ARCHITECTURE.md, enforced: a module imports only
// from its own layer or the ones below it, and only src/cli touches the terminal.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../../src", import.meta.url));

// Lowest first. Root files (errors.ts, version.ts) and util/ sit below everything.
const LAYERS = [
  "util",
  "(root)",
  "jsonrpc",
  "store",
  "codex",
  "runtime",
  "migration",
  "mcp",
  "kanban",
  "gateway",
  "cli",
];
// testing/ is a side entry point (codex-bridge/testing): it may use the core; only cli/ (the demo) may use it.
const SIDE = new Set(["testing", "(index)"]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return name === "generated" ? [] : files(full);
    return full.endsWith(".ts") ? [full] : [];
  });
}

function layerOf(file: string): string {
  const rel = relative(SRC, file);
  if (rel === "index.ts") return "(index)";
  const top = rel.split(/[/\\]/)[0] ?? "";
  return rel.includes("/") || rel.includes("\\") ? top : "(root)";
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)].map((m) => resolve(dirname(file), m[1] ?? ""));
}

describe("layering", () => {
  const all = files(SRC);

  it("knows every folder of src/", () => {
    const unknown = [...new Set(all.map(layerOf))].filter((l) => !LAYERS.includes(l) && !SIDE.has(l));
    expect(unknown).toEqual([]);
  });

  it("dependencies point down only", () => {
    const violations: string[] = [];
    for (const file of all) {
      const from = layerOf(file);
      for (const target of imports(file)) {
        const to = layerOf(target);
        if (from === "(index)") {
          if (to === "cli") violations.push(`${relative(SRC, file)} exports from cli`);
          continue;
        }
        // Only the CLI's demo may run the scripted model; the rest of the core may not use it.
        if (to === "testing" && from !== "testing" && from !== "cli") {
          violations.push(`${relative(SRC, file)} imports testing/`);
        }
        if (from === "testing" || SIDE.has(to)) continue;
        if (LAYERS.indexOf(to) > LAYERS.indexOf(from)) {
          violations.push(`${relative(SRC, file)} (${from}) imports ${relative(SRC, target)} (${to})`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it("only src/cli writes to the terminal", () => {
    const offenders = all
      .filter((f) => layerOf(f) !== "cli")
      .filter((f) => /\bconsole\.|process\.(stdout|stderr)\.write/.test(readFileSync(f, "utf8")))
      .map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });

  it("the rule itself catches an upward import", () => {
    // Guard against a checker that can never fail: codex/ importing cli/ must be flagged.
    expect(LAYERS.indexOf(layerOf(join(SRC, "cli/main.ts")))).toBeGreaterThan(
      LAYERS.indexOf(layerOf(join(SRC, "codex/client.ts"))),
    );
  });
});
