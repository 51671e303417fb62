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

/** Every import that breaks the rule, as one line each. `graph`: file → the files it imports. */
function violationsOf(graph: Map<string, string[]>): string[] {
  const violations: string[] = [];
  for (const [file, targets] of graph) {
    const from = layerOf(file);
    for (const target of targets) {
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
  return violations;
}

describe("layering", () => {
  const all = files(SRC);

  it("knows every folder of src/", () => {
    const unknown = [...new Set(all.map(layerOf))].filter((l) => !LAYERS.includes(l) && !SIDE.has(l));
    expect(unknown).toEqual([]);
  });

  it("dependencies point down only", () => {
    expect(violationsOf(new Map(all.map((f) => [f, imports(f)])))).toEqual([]);
  });

  it("only src/cli writes to the terminal", () => {
    const offenders = all
      .filter((f) => layerOf(f) !== "cli")
      .filter((f) => /\bconsole\.|process\.(stdout|stderr)\.write/.test(readFileSync(f, "utf8")))
      .map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });

  it("the checker itself flags upward imports and the core using testing/", () => {
    const at = (p: string) => join(SRC, p);
    const graph = new Map([
      [at("codex/client.ts"), [at("cli/main.ts"), at("jsonrpc/connection.ts")]],
      [at("store/store.ts"), [at("testing/index.ts")]],
      [at("cli/commands/demo.ts"), [at("testing/index.ts"), at("codex/bridge.ts")]],
      [at("index.ts"), [at("cli/main.ts")]],
    ]);
    expect(violationsOf(graph)).toEqual([
      "codex/client.ts (codex) imports cli/main.ts (cli)",
      "store/store.ts imports testing/",
      "index.ts exports from cli",
    ]);
  });
});
