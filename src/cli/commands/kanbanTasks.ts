// `kanban create | list | show | comment | block | unblock | cancel`: one
// task at a time, by id or unique id prefix.
import { type Command, InvalidArgumentError, Option } from "commander";
import { TASK_STATUSES, type Task, type TaskStatus } from "../../store/board/types.js";
import type { Output } from "../output.js";
import { existingDirectory, positiveInteger } from "../usage.js";
import { plural, taskDetails, taskLine, taskLines } from "./kanbanRender.js";
import { boardOption, withBoard } from "./kanbanShared.js";

interface Common {
  board?: string;
  json?: boolean;
  author: string;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected a whole number, got ${JSON.stringify(value)}`);
  }
  return n;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function print(out: Output, task: Task, json: boolean | undefined, line = taskLine(task)): void {
  out.stdout(json ? `${JSON.stringify(task, null, 2)}\n` : `${line}\n`);
}

const authorOption = () => new Option("--author <name>", "who does it, for the task's log").default("user");

export function registerTaskCommands(kanban: Command, out: Output): void {
  boardOption(
    kanban
      .command("create")
      .description("put a task on the board (ready at once, or todo until what it depends on is done)")
      .argument("<title>", "what to do, in one line")
      .option("--body <text>", "the details a worker needs")
      .option("--depends-on <id>", "a task that must be done first (repeatable)", collect)
      .option("--priority <n>", "a whole number; higher runs first (default: 0)", wholeNumber)
      .option("--cwd <dir>", "the directory its worker runs in (default: the dispatcher's)")
      .option("--json", "print the task as JSON"),
  )
    .addOption(authorOption())
    .action(
      async (
        title: string,
        flags: Common & { body?: string; dependsOn?: string[]; priority?: number; cwd?: string },
      ) => {
        const cwd = flags.cwd === undefined ? undefined : existingDirectory("--cwd", flags.cwd);
        await withBoard(
          flags.board,
          async (board) => {
            const dependsOn: string[] = [];
            for (const ref of flags.dependsOn ?? []) dependsOn.push(await board.resolveId(ref));
            const task = await board.create({
              title,
              ...(flags.body === undefined ? {} : { body: flags.body }),
              dependsOn,
              ...(flags.priority === undefined ? {} : { priority: flags.priority }),
              ...(cwd === undefined ? {} : { cwd }),
              author: flags.author,
            });
            print(out, task, flags.json);
          },
          { existing: false },
        );
      },
    );

  boardOption(
    kanban
      .command("list")
      .description("list tasks, oldest first")
      .addOption(new Option("--status <status>", "only tasks in this status").choices(TASK_STATUSES))
      .option("--limit <n>", "at most this many, a whole number >= 1", positiveInteger)
      .option("--json", "print a JSON array of tasks"),
  ).action(async (flags: { board?: string; status?: TaskStatus; limit?: number; json?: boolean }) => {
    await withBoard(flags.board, async (board) => {
      const tasks = await board.list({
        ...(flags.status ? { status: flags.status } : {}),
        ...(flags.limit ? { limit: flags.limit } : {}),
      });
      if (flags.json) out.stdout(`${JSON.stringify(tasks, null, 2)}\n`);
      else if (tasks.length === 0) out.stdout("no tasks: add one with `codex-bridge kanban create TITLE`\n");
      else out.stdout(taskLines(tasks));
    });
  });

  boardOption(
    kanban
      .command("show")
      .description("show one task: status, result, attempts with their worker sessions, comments")
      .argument("<id>", "task id or a unique prefix of it")
      .option("--json", "print the task as JSON"),
  ).action(async (id: string, flags: { board?: string; json?: boolean }) => {
    await withBoard(flags.board, async (board) => {
      const task = await board.get(await board.resolveId(id));
      out.stdout(flags.json ? `${JSON.stringify(task, null, 2)}\n` : taskDetails(task));
    });
  });

  boardOption(
    kanban
      .command("comment")
      .description("add a comment to a task (its next worker reads it)")
      .argument("<id>", "task id or a unique prefix of it")
      .argument("<text>", "the comment")
      .option("--json", "print the task as JSON"),
  )
    .addOption(authorOption())
    .action(async (id: string, text: string, flags: Common) => {
      await withBoard(flags.board, async (board) => {
        const task = await board.comment(await board.resolveId(id), flags.author, text);
        print(out, task, flags.json, `commented on ${task.id} (${plural(task.comments.length, "comment")})`);
      });
    });

  boardOption(
    kanban
      .command("block")
      .description("hold a task that is not running: no worker takes it until it is unblocked")
      .argument("<id>", "task id or a unique prefix of it")
      .argument("<reason>", "why it waits")
      .option("--json", "print the task as JSON"),
  )
    .addOption(authorOption())
    .action(async (id: string, reason: string, flags: Common) => {
      await withBoard(flags.board, async (board) => {
        print(out, await board.block(await board.resolveId(id), reason, flags.author), flags.json);
      });
    });

  boardOption(
    kanban
      .command("unblock")
      .description("make a blocked task ready again (todo while a dependency is not done)")
      .argument("<id>", "task id or a unique prefix of it")
      .argument("[note]", "the answer, added as a comment for the next worker")
      .option("--json", "print the task as JSON"),
  )
    .addOption(authorOption())
    .action(async (id: string, note: string | undefined, flags: Common) => {
      await withBoard(flags.board, async (board) => {
        print(out, await board.unblock(await board.resolveId(id), note ?? "", flags.author), flags.json);
      });
    });

  boardOption(
    kanban
      .command("cancel")
      .description("cancel a task (a running one loses its worker's lease)")
      .argument("<id>", "task id or a unique prefix of it")
      .option("--json", "print the task as JSON"),
  )
    .addOption(authorOption())
    .action(async (id: string, flags: Common) => {
      await withBoard(flags.board, async (board) => {
        print(out, await board.cancel(await board.resolveId(id), flags.author), flags.json);
      });
    });
}
