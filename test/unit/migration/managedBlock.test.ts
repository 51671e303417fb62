import * as TOML from "smol-toml";
import { describe, expect, it } from "vitest";
import {
  END_MARKER,
  firstTableHeaderOffset,
  insertBlock,
  parseBlock,
  renderBlock,
  START_MARKER,
  splitBlock,
} from "../../../src/migration/managedBlock.js";
import { planMigration, TOOL_SERVER_NAME } from "../../../src/migration/plan.js";
import type { SourceResult } from "../../../src/migration/types.js";

const source = (label: string, servers: Record<string, Record<string, unknown>>): SourceResult => ({
  source: { kind: "bridge", path: label, explicit: true },
  label,
  found: true,
  servers: Object.entries(servers).map(([name, table]) => ({
    name,
    source: label,
    table: table as never,
    skipped: [],
    warnings: [],
  })),
  errors: [],
  fileError: null,
});

const USER_FILE = `# Personal codex config — keep this comment
model = "gpt-5"   # trailing comment
instructions = """
[not a table]
still a string
"""
matrix = [
  [1, 2],
  [3, 4],
]

[profiles.fast]
model = "gpt-5-mini"

# a comment between tables
[mcp_servers.mine]
command = "my-server"
`;

const plan = (
  text: string | null,
  sources: SourceResult[],
  extra: Partial<Parameters<typeof planMigration>[0]> = {},
) => planMigration({ currentText: text, sources, plugins: null, toolServer: null, ...extra });

describe("the managed block", () => {
  it("finds the first real table header, past multi-line strings and arrays", () => {
    expect(USER_FILE.slice(firstTableHeaderOffset(USER_FILE)).startsWith("[profiles.fast]")).toBe(true);
    expect(firstTableHeaderOffset('a = 1\nb = "[x]"\n')).toBe(-1);
  });

  it("goes before the first table, and taking it out restores the file byte for byte", () => {
    const { text } = plan(USER_FILE, [source("s:1", { alpha: { command: "a" } })]);
    expect(text.indexOf(START_MARKER)).toBeLessThan(text.indexOf("[profiles.fast]"));
    expect(text.indexOf("matrix = [")).toBeLessThan(text.indexOf(START_MARKER));
    const doc = TOML.parse(text) as Record<string, any>;
    expect(doc.model).toBe("gpt-5");
    expect(doc.default_permissions).toBe(":workspace"); // a root key, not swallowed by a table
    expect(doc.profiles.fast.model).toBe("gpt-5-mini");
    expect(doc.mcp_servers.alpha).toEqual({ command: "a" });
    expect(doc.mcp_servers.mine).toEqual({ command: "my-server" });
    expect(splitBlock(text).outside).toBe(USER_FILE);
    expect(plan(text, [], { remove: true }).text).toBe(USER_FILE);
  });

  it("round-trips files with no tables, no trailing newline, or nothing at all", () => {
    for (const original of ['model = "x"\n', "", "# only a comment\n"]) {
      const { text } = plan(original, [source("s:1", { a: { command: "a" } })]);
      expect(splitBlock(text).outside).toBe(original);
      expect(TOML.parse(text)).toMatchObject({ mcp_servers: { a: { command: "a" } } });
    }
    const noNewline = plan('model = "x"', [source("s:1", { a: { command: "a" } })]).text;
    expect(noNewline.startsWith('model = "x"\n# >>>')).toBe(true);
  });

  it("writes default_permissions only when the user set neither it nor sandbox_mode", () => {
    expect(TOML.parse(plan('model = "x"\n', []).text)).toMatchObject({ default_permissions: ":workspace" });
    expect(plan('sandbox_mode = "read-only"\n', []).report.defaultPermissions).toBeNull();
    expect(plan('default_permissions = ":read-only"\n', []).text).not.toContain(":workspace");
  });

  it("is idempotent: the same input plans the same text and reports no change", () => {
    const sources = [
      source("s:1", { b: { command: "b", args: ["x"] }, a: { url: "http://127.0.0.1:1/mcp" } }),
    ];
    const first = plan(USER_FILE, sources);
    const second = plan(first.text, sources);
    expect(second.text).toBe(first.text);
    expect(second.report.changed).toBe(false);
  });

  it("keeps the user's own definition of a server, and says so", () => {
    const { text, report } = plan(
      USER_FILE,
      [source("s:1", { mine: { command: "ours" }, other: { command: "o" } })],
      {
        toolServer: { command: "node" },
      },
    );
    expect(report.kept).toEqual(["mine"]);
    expect((TOML.parse(text) as any).mcp_servers.mine).toEqual({ command: "my-server" });
    expect(report.toolServer).toBe(true);
    expect((TOML.parse(text) as any).mcp_servers[TOOL_SERVER_NAME]).toEqual({ command: "node" });
  });

  it("keeps servers of other sources, updates and drops those of the sources read again", () => {
    const first = plan(null, [
      source("s:1", { one: { command: "1" } }),
      source("s:2", { two: { command: "2" } }),
    ]).text;
    const { text, report } = plan(first, [source("s:2", { three: { command: "3" } })]);
    const servers = Object.keys((TOML.parse(text) as any).mcp_servers).sort();
    expect(servers).toEqual(["one", "three"]);
    expect(report.retained).toEqual([{ name: "one", source: "s:1" }]);
    expect(report.removed).toEqual(["two"]);
  });

  it("keeps a source's servers when that source could not be read this time", () => {
    const first = plan(null, [source("s:1", { one: { command: "1" } })]).text;
    const unreadable: SourceResult = { ...source("s:1", {}), fileError: "s:1 does not parse" };
    expect(Object.keys((TOML.parse(plan(first, [unreadable]).text) as any).mcp_servers)).toEqual(["one"]);
  });

  it("writes discovered plugins, and keeps the previous ones when discovery fails", () => {
    const withPlugins = plan(null, [], {
      plugins: {
        ok: true,
        plugins: [
          { id: "b@m", enabled: false },
          { id: "a@m", enabled: true },
        ],
      },
    });
    expect((TOML.parse(withPlugins.text) as any).plugins).toEqual({
      "a@m": { enabled: true },
      "b@m": { enabled: false },
    });
    const failed = plan(withPlugins.text, [], {
      plugins: { ok: false, error: "plugin discovery failed: boom" },
    });
    expect(failed.report.plugins.error).toContain("boom");
    expect((TOML.parse(failed.text) as any).plugins).toEqual({
      "a@m": { enabled: true },
      "b@m": { enabled: false },
    });
    const userOwned = plan('[plugins."a@m"]\nenabled = false\n', [], {
      plugins: { ok: true, plugins: [{ id: "a@m", enabled: true }] },
    });
    expect(userOwned.report.plugins.kept).toEqual(["a@m"]);
  });

  it("repairs orphaned, legacy and duplicated markers", () => {
    const orphanEnd = `model = "x"\n${END_MARKER}\n[t]\na = 1\n`;
    const split1 = splitBlock(orphanEnd);
    expect(split1.outside).toBe('model = "x"\n[t]\na = 1\n');
    expect(split1.repairs).toEqual([expect.stringContaining("end marker with no start marker")]);

    const orphanStart = `model = "x"\n${START_MARKER}\n[mcp_servers.old]\ncommand = "o"\n\n[t]\na = 1\n`;
    const split2 = splitBlock(orphanStart);
    expect(split2.outside).toBe('model = "x"\n[t]\na = 1\n');
    expect(parseBlock(split2.block).servers.has("old")).toBe(true);
    expect(split2.repairs).toEqual([expect.stringContaining("start marker with no end marker")]);

    const legacy = `# BEGIN CODEX-BRIDGE MANAGED BLOCK\n[mcp_servers.l]\ncommand = "l"\n# END CODEX-BRIDGE MANAGED BLOCK\n`;
    const split3 = splitBlock(legacy);
    expect(split3.outside).toBe("");
    expect(split3.repairs).toEqual([expect.stringContaining("legacy start marker")]);

    const block = renderBlock({ defaultPermissions: null, servers: new Map(), plugins: new Map() });
    const twice = insertBlock(insertBlock("[t]\n", block), block);
    const split4 = splitBlock(twice);
    expect(split4.outside).toBe("[t]\n");
    expect(split4.repairs).toEqual([expect.stringContaining("duplicate managed block")]);
  });

  it("refuses when the file without the block does not parse", () => {
    expect(() => plan('a = "unterminated\n', [])).toThrow(/does not parse/);
  });
});
