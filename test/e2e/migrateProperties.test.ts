// Property test: whatever the names and values, the managed block parses back
// to exactly what was meant, and the real codex accepts it with --strict-config.
import * as TOML from "smol-toml";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resolveCodexBinary } from "../../src/codex/binary.js";
import { planMigration } from "../../src/migration/plan.js";
import type { SourceResult } from "../../src/migration/types.js";
import { codexCheck } from "../../src/migration/validate.js";

const nasty = fc.constantFrom(
  '"',
  "\\",
  "\n",
  "\t",
  "]",
  "[",
  "#",
  "=",
  "'",
  "é",
  "✓",
  "\u0001",
  " ",
  ".",
  "${X}",
);
const text = fc
  .array(
    fc.oneof(nasty, fc.string({ minLength: 0, maxLength: 4 }), fc.string({ unit: "grapheme", maxLength: 3 })),
    {
      minLength: 1,
      maxLength: 6,
    },
  )
  .map((parts) => parts.join(""))
  .filter((s) => s.length > 0 && !s.includes("\u0000"));

const server = fc.record({
  name: text,
  command: text,
  args: fc.array(text, { maxLength: 3 }),
  env: fc.dictionary(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,6}$/), text, { maxKeys: 3 }),
  cwd: fc.option(text, { nil: undefined }),
  timeout: fc.option(fc.integer({ min: 1, max: 3600 }), { nil: undefined }),
});

describe("the managed block under arbitrary names and values", () => {
  it("parses back exactly and passes codex --strict-config", async () => {
    const codex = await resolveCodexBinary();
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(server, { minLength: 1, maxLength: 4, selector: (s) => s.name }),
        async (servers) => {
          const tables = servers.map((s) => ({
            name: s.name,
            table: {
              command: s.command,
              args: s.args,
              ...(Object.keys(s.env).length ? { env: s.env } : {}),
              ...(s.cwd !== undefined ? { cwd: s.cwd } : {}),
              ...(s.timeout !== undefined ? { tool_timeout_sec: s.timeout } : {}),
            },
          }));
          const source: SourceResult = {
            source: { kind: "bridge", path: "/p", explicit: true },
            label: "bridge:/p",
            found: true,
            servers: tables.map((t) => ({ ...t, source: "bridge:/p", skipped: [], warnings: [] })),
            errors: [],
            fileError: null,
          };
          const { text: out } = planMigration({
            currentText: '# user\nmodel = "m"\n\n[profiles.x]\nmodel = "y"\n',
            sources: [source],
            plugins: { ok: true, plugins: [{ id: `${servers[0]?.name ?? "p"}@market`, enabled: true }] },
            toolServer: null,
          });
          const doc = JSON.parse(JSON.stringify(TOML.parse(out))) as {
            mcp_servers: Record<string, unknown>;
            model: string;
          };
          expect(doc.model).toBe("m");
          for (const t of tables) expect(doc.mcp_servers[t.name]).toEqual(t.table);
          const verdict = await codexCheck(out, codex.path);
          expect(verdict, out).toEqual({ ok: true });
        },
      ),
      { numRuns: 25 },
    );
  });
});
