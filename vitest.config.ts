import { defineConfig } from "vitest/config";

// Two projects: `unit` (fake streams, no codex) and `e2e` (the real codex
// binary against the mock model). `npm test` runs both.
export default defineConfig({
  test: {
    reporters: ["default", "./test/harness/summaryReporter.ts"],
    // HOME, CODEX_HOME and CODEX_BRIDGE_HOME in a temp dir for the whole run: tests never touch the real user's.
    globalSetup: ["./test/harness/hermeticHome.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          setupFiles: ["test/harness/hermeticCheck.ts"],
          sequence: { groupOrder: 0 },
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          setupFiles: ["test/harness/hermeticCheck.ts", "test/harness/e2eSetup.ts"],
          // Runs after the unit project, with its own worker limit.
          sequence: { groupOrder: 1 },
          // Generous: the suite must pass while other processes keep both cores busy. A hang still fails.
          testTimeout: 180_000,
          hookTimeout: 120_000,
          // Each test spawns codex processes; two cores do not gain from more.
          maxWorkers: 2,
        },
      },
    ],
  },
});
