// The published surface, read from the built dist/ (`npm test` builds first):
// the root entry exports exactly the allowlist below, every entry in
// package.json "exports" exists, and the shipped declarations neither show
// `@internal` members nor import types a consumer would not install.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DIST = join(ROOT, "dist");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  exports: Record<string, string | { types?: string; import?: string }>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

/**
 * The runtime values of `import … from "codex-bridge"`. Adding a name here is
 * a conscious act: it becomes API we keep. Everything else lives on a subpath
 * (`codex-bridge/client`, `/codex`, `/store`, `/migration`, `/tools`, `/testing`).
 */
const ROOT_VALUES = [
  "BridgeError",
  "CodexBridge",
  "Dispatcher",
  "JsonRpcError",
  "LocalRuntime",
  "RUNTIME_SETTINGS",
  "Session",
  "isBridgeError",
  "migrate",
  "parseRuntimeSetting",
  "readRuntimeSetting",
  "writeRuntimeSetting",
];

function declarationFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return declarationFiles(full);
    return name.endsWith(".d.ts") ? [full] : [];
  });
}

/** Bare module specifiers a declaration file imports (`from "x"`, `import("x")`, `/// <reference types="x">`). */
function bareImports(text: string): string[] {
  const specs = [
    ...text.matchAll(/\bfrom\s+"([^"]+)"/g),
    ...text.matchAll(/\bimport\s*\(\s*"([^"]+)"\s*\)/g),
    ...text.matchAll(/^\s*import\s+"([^"]+)"/gm),
    ...text.matchAll(/<reference\s+types="([^"]+)"/g),
  ].map((m) => m[1] ?? "");
  return specs.filter((s) => s !== "" && !s.startsWith("."));
}

function packageName(spec: string): string {
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? spec);
}

/** Whether an installed package ships its own type declarations (else they come from `@types/…`). */
function hasOwnTypes(name: string): boolean {
  const dir = join(ROOT, "node_modules", name);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, unknown>;
  return (
    Boolean(manifest.types ?? manifest.typings ?? manifest.typesVersions) ||
    JSON.stringify(manifest.exports ?? null).includes('"types"') ||
    existsSync(join(dir, "index.d.ts"))
  );
}

/**
 * Why a bare import in a shipped .d.ts would break a consumer, or null when it is fine:
 * the package (or, for a package without its own types, its `@types/` package) must be a
 * dependency, not a devDependency. `node:` builtins are the one exception: a Node library's
 * consumer has @types/node (the declarations use NodeJS.ProcessEnv, streams, AbortSignal).
 */
function problemWith(spec: string): string | null {
  if (spec.startsWith("node:")) return null;
  const name = packageName(spec);
  const runtime = { ...pkg.dependencies, ...pkg.peerDependencies };
  if (!(name in runtime)) return `${spec}: ${name} is not a dependency`;
  const typesPackage = `@types/${name.replace(/^@/, "").replace("/", "__")}`;
  if (!hasOwnTypes(name) && !(typesPackage in runtime)) {
    return `${spec}: its types come from ${typesPackage}, which is not a dependency`;
  }
  return null;
}

describe("public API (dist/)", () => {
  it("dist/ is built", () => {
    expect(existsSync(join(DIST, "index.js")), "run `npm run build` first (`npm test` does)").toBe(true);
  });

  it("the root entry exports exactly the allowlisted values", async () => {
    const root = (await import(pathToFileURL(join(DIST, "index.js")).href)) as Record<string, unknown>;
    expect(Object.keys(root).sort()).toEqual([...ROOT_VALUES].sort());
  });

  it("every package.json export points at files that exist, with types", async () => {
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (typeof target === "string") {
        expect(existsSync(join(ROOT, target)), `${subpath} → ${target}`).toBe(true);
        continue;
      }
      expect(target.types, `${subpath} has no types`).toBeDefined();
      expect(existsSync(join(ROOT, target.types ?? "")), `${subpath} → ${target.types}`).toBe(true);
      expect(existsSync(join(ROOT, target.import ?? "")), `${subpath} → ${target.import}`).toBe(true);
      const mod = (await import(pathToFileURL(join(ROOT, target.import ?? "")).href)) as object;
      expect(Object.keys(mod).length, `${subpath} exports nothing`).toBeGreaterThan(0);
    }
  });

  it("no shipped .d.ts shows an @internal member", () => {
    const offenders = declarationFiles(DIST).filter((f) => readFileSync(f, "utf8").includes("@internal"));
    expect(offenders.map((f) => relative(DIST, f))).toEqual([]);
  });

  it("BridgeStore's database handle is not part of its declared API", () => {
    const text = readFileSync(join(DIST, "store", "store.d.ts"), "utf8");
    expect(text).toMatch(/class BridgeStore\b/);
    expect(text).not.toMatch(/^\s*(readonly\s+)?db\s*[:;]/m);
    expect(text).not.toContain("better-sqlite3");
  });

  it("no shipped .d.ts imports a package a consumer would not have installed", () => {
    const problems = declarationFiles(DIST).flatMap((file) =>
      [...new Set(bareImports(readFileSync(file, "utf8")))]
        .map(problemWith)
        .filter((p): p is string => p !== null)
        .map((p) => `${relative(DIST, file)}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it("the checker flags devDependencies and untyped dependencies, and allows node: builtins", () => {
    expect(problemWith("vitest")).toContain("not a dependency");
    expect(problemWith("fast-check/lib")).toContain("not a dependency");
    expect(problemWith("better-sqlite3")).toContain("@types/better-sqlite3");
    expect(problemWith("zod")).toBeNull();
    expect(problemWith("node:stream")).toBeNull();
    expect(bareImports('import type { A } from "x/y";\nexport type B = import("@s/p/q").C;')).toEqual([
      "x/y",
      "@s/p/q",
    ]);
  });

  // A consumer's tsc checks our .d.ts unless it sets skipLibCheck; stripped
  // @internal members must not leave declarations that no longer type-check.
  it("the declarations of every entry type-check for a consumer with skipLibCheck off", () => {
    const entries = Object.values(pkg.exports).flatMap((t) =>
      typeof t === "object" && t.types ? [join(ROOT, t.types)] : [],
    );
    const program = ts.createProgram(entries, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      skipLibCheck: false,
      skipDefaultLibCheck: true,
      noEmit: true,
      types: ["node"],
      // DOM: the MCP SDK's declarations name fetch types (HeadersInit), as a browser-less consumer's default lib has.
      lib: ["lib.es2023.d.ts", "lib.dom.d.ts", "lib.esnext.disposable.d.ts"],
    });
    const errors = ts
      .getPreEmitDiagnostics(program)
      .map((d) => {
        const where = d.file ? `${relative(ROOT, d.file.fileName)}: ` : "";
        return `${where}${ts.flattenDiagnosticMessageText(d.messageText, "\n").split("\n")[0]}`;
      })
      .sort();
    expect(errors).toEqual([]);
  }, 600_000);
});
