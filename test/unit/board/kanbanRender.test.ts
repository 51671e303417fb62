// The kanban CLI's rendering: cut to the terminal's width (wide characters
// count double), one column per status, nothing a title could use to drive the terminal.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  boardView,
  displayWidth,
  fit,
  plural,
  taskDetails,
  taskLine,
  taskLines,
} from "../../../src/cli/commands/kanbanRender.js";
import type { Task } from "../../../src/store/board/types.js";

const task = (over: Partial<Task>): Task => ({
  id: "0123456789ab",
  title: "t",
  body: "",
  status: "ready",
  priority: 0,
  dependsOn: [],
  cwd: null,
  comments: [],
  result: null,
  artifacts: [],
  reason: null,
  attempts: [],
  lease: null,
  createdAt: 0,
  updatedAt: 0,
  ...over,
});

describe("kanban rendering", () => {
  it("kanban list aligns its columns: status padded to the longest, the priority column kept when blank", () => {
    const lines = taskLines([
      task({ id: "a", status: "ready", title: "First task" }),
      task({ id: "b", status: "todo", priority: 3, title: "Second" }),
      task({ id: "c", status: "cancelled", priority: 3, title: "Third" }),
    ]).split("\n");
    expect(lines.slice(0, 3)).toEqual([
      "a  ready          First task",
      "b  todo       p3  Second",
      "c  cancelled  p3  Third",
    ]);
    const wide = taskLines([task({ id: "a", priority: 12, title: "x" }), task({ id: "b", title: "y" })]);
    expect(wide).toBe("a  ready      p12  x\nb  ready           y\n");
  });

  it("counts comments in words: 1 comment, 2 comments", () => {
    expect(plural(1, "comment")).toBe("1 comment");
    expect(plural(0, "comment")).toBe("0 comments");
    expect(plural(2, "comment")).toBe("2 comments");
  });

  it("fits text to a width in cells, wide characters counting two", () => {
    expect(displayWidth("漢字ab")).toBe(6);
    expect(fit("abcdef", 4)).toBe("abc…");
    expect(fit("ab", 4)).toBe("ab  ");
    expect(fit("漢字漢字", 5)).toBe("漢字…");
    expect(displayWidth(fit("漢字漢字", 5))).toBe(5);
    expect(fit("a\nb", 3)).toBe("a b");
  });

  it("draws all seven columns, none wider than the terminal, with overflow counted", () => {
    const tasks = [
      ...Array.from({ length: 5 }, (_, i) => task({ id: `aaaaaa00000${i}`, title: `ready ${i}` })),
      task({ id: "bbbbbb000000", status: "failed", title: "x".repeat(200) }),
    ];
    for (const width of [70, 80, 200]) {
      const view = boardView(tasks, width, 3);
      const lines = view.trimEnd().split("\n");
      for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(width);
      expect(lines[0]?.split(/ +/)).toEqual([
        "todo",
        "ready",
        "running",
        "blocked",
        "done",
        "failed",
        "cancelled",
      ]);
      expect(view).toContain("+2 more");
      expect(view).toContain("bbbbbb");
    }
    const stacked = boardView(tasks, 40, 10).split("\n");
    expect(stacked).toContain("ready (5)");
    expect(stacked).toContain("cancelled (0)");
  });

  it("turns control characters in board text into ?", () => {
    const evil = task({ title: "hi\u001b]0;pwned\u0007", body: "line1\nline2\u001b[2J" });
    const controls = (s: string) => [...s].filter((c) => c !== "\n" && (c.codePointAt(0) ?? 0) < 32);
    expect(controls(taskLine(evil))).toEqual([]);
    expect(controls(taskDetails(evil))).toEqual([]);
    expect(taskDetails(evil)).toContain("  line1\n  line2?[2J");
  });
});

describe("the board's entry stays light", () => {
  it("importing openBoard (and opening SQLite) does not load pg", () => {
    const probe = fileURLToPath(new URL("../../fixtures/loadedModules.mjs", import.meta.url));
    const open = fileURLToPath(new URL("../../../dist/store/board/open.js", import.meta.url));
    const { urls } = JSON.parse(execFileSync(process.execPath, [probe, open], { encoding: "utf8" })) as {
      urls: string[];
    };
    expect(urls.some((u) => u.includes("/dist/store/board/sqlite.js"))).toBe(true);
    expect(urls.filter((u) => u.includes("/node_modules/pg") || u.includes("board/postgres.js"))).toEqual([]);
  });
});
