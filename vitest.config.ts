import { defineConfig } from "vitest/config";

// Two projects: `unit` (fake streams, no codex) and `e2e` (the real codex
// binary against the mock model). `npm test` runs both.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          testTimeout: 10_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          setupFiles: ["test/harness/e2eSetup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Each test spawns codex processes; two cores do not gain from more.
          maxWorkers: 2,
        },
      },
    ],
  },
});
