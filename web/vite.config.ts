// Builds the web console (web/) into dist/console/, which `codex-bridge serve`
// serves at `/`. Relative asset paths so the bundle works under any mount
// point; no inline scripts (the gateway's Content-Security-Policy forbids them).
import preact from "@preact/preset-vite";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL("../dist/console", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    // An inline polyfill would break the CSP; every supported browser has modulepreload.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
