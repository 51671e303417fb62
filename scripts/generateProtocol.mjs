#!/usr/bin/env node
// Regenerates src/codex/protocol/generated from the installed codex binary.
// The binary's own `app-server generate-ts` is the source of truth; we only
// add `.js` to relative specifiers (NodeNext resolution needs them) and stamp
// the codex version so a drift test can tell which binary produced the files.
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const GENERATED_DIR = join(here, "..", "src", "codex", "protocol", "generated");

/**
 * Rewrites `from "./X"` to `from "./X.js"` (or `./X/index.js` for a folder)
 * in one generated file that lives in `fileDir`.
 */
export function addJsExtensions(source, fileDir) {
  return source.replace(/(from\s+")(\.{1,2}\/[^"]+?)(")/g, (_m, a, spec, b) => {
    if (spec.endsWith(".js")) return `${a}${spec}${b}`;
    const isDir = existsSync(join(fileDir, spec)) && statSync(join(fileDir, spec)).isDirectory();
    return `${a}${spec}${isDir ? "/index.js" : ".js"}${b}`;
  });
}

/** Lists files under dir, relative paths, sorted. */
export function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full));
    }
  };
  walk(dir);
  return out.sort();
}

/** Runs the binary's generator into outDir and post-processes the files; `env` is codex's environment. */
export function generateProtocol(codexBin, outDir, env = process.env) {
  const raw = mkdtempSync(join(tmpdir(), "codex-bridge-gen-"));
  try {
    execFileSync(codexBin, ["app-server", "generate-ts", "--out", raw], {
      stdio: ["ignore", "ignore", "pipe"],
      env,
    });
    const version = execFileSync(codexBin, ["--version"], { encoding: "utf8", env })
      .trim()
      .split(/\s+/)
      .pop();
    rmSync(outDir, { recursive: true, force: true });
    for (const file of listFiles(raw)) {
      const target = join(outDir, file);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, addJsExtensions(readFileSync(join(raw, file), "utf8"), dirname(join(raw, file))));
    }
    writeFileSync(
      join(outDir, "codexVersion.ts"),
      `// Written by scripts/generateProtocol.mjs: the codex version these types came from.\nexport const GENERATED_FROM_CODEX_VERSION = ${JSON.stringify(version)};\n`,
    );
    return version;
  } finally {
    rmSync(raw, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bin = process.env.CODEX_BRIDGE_CODEX_BIN ?? join(here, "..", "node_modules", ".bin", "codex");
  const version = generateProtocol(bin, GENERATED_DIR);
  console.log(
    `generated protocol types from codex ${version} into ${relative(process.cwd(), GENERATED_DIR)}`,
  );
}
