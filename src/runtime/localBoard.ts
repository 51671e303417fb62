/**
 * LocalRuntime's board operations: a {@link Board} when the runtime has one,
 * UNSUPPORTED (naming the control) when it has none. `boardSubscribe`
 * replays the board's event log after the cursor and then polls it on a
 * short interval (the board backends announce nothing; PostgreSQL boards are
 * shared by several processes, so polling is what sees every writer).
 */
import { BridgeError } from "../errors.js";
import type { Board, CreateTaskInput, ListTasksOptions, Task, TaskEvent } from "../store/board/types.js";
import type { Subscription } from "./runtime.js";

/** Default interval between polls of the board's event log. */
export const DEFAULT_BOARD_POLL_MS = 250;
const PAGE = 500;

/** The error a runtime without this control throws. */
export function unsupported(control: string, why: string): BridgeError {
  return new BridgeError("UNSUPPORTED", `${control} is not supported: ${why}`, { details: { control } });
}

/** Runs `fn`, its throw (UNSUPPORTED) becoming a rejection. */
function settle<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return fn();
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

export class LocalBoardOps {
  readonly #board: Board | undefined;
  readonly #pollMs: number;
  readonly #subscriptions = new Set<() => void>();

  constructor(board: Board | undefined, pollMs = DEFAULT_BOARD_POLL_MS) {
    this.#board = board;
    this.#pollMs = pollMs;
  }

  get available(): boolean {
    return this.#board !== undefined;
  }

  #use(control: string): Board {
    if (!this.#board) throw unsupported(control, "this runtime has no kanban board (start it with a board)");
    return this.#board;
  }

  create(input: CreateTaskInput): Promise<Task> {
    return settle(() => this.#use("board.create").create(input));
  }

  list(options?: ListTasksOptions): Promise<Task[]> {
    return settle(() => this.#use("board.list").list(options));
  }

  get(taskId: string): Promise<Task> {
    return settle(() => this.#use("board.get").get(taskId));
  }

  comment(taskId: string, text: string): Promise<Task> {
    return settle(() => this.#use("board.comment").comment(taskId, "user", text));
  }

  block(taskId: string, reason: string): Promise<Task> {
    return settle(() => this.#use("board.block").block(taskId, reason, "user"));
  }

  unblock(taskId: string, note: string): Promise<Task> {
    return settle(() => this.#use("board.unblock").unblock(taskId, note, "user"));
  }

  cancel(taskId: string): Promise<Task> {
    return settle(() => this.#use("board.cancel").cancel(taskId, "user"));
  }

  /** Events after `after`, then new ones as the poll finds them; each once, in order. */
  async subscribe(after: number, onEvent: (event: TaskEvent) => void): Promise<Subscription> {
    const board = this.#use("board.subscribe");
    let last = after;
    let ended = false;
    let timer: NodeJS.Timeout | undefined;
    let resolveClosed: (reason: Error | null) => void = () => {};
    const closed = new Promise<Error | null>((resolve) => {
      resolveClosed = resolve;
    });
    const end = (reason: Error | null) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      this.#subscriptions.delete(stop);
      resolveClosed(reason);
    };
    const stop = () => end(null);
    const drain = async () => {
      for (;;) {
        const events = await board.events({ after: last, limit: PAGE });
        for (const event of events) {
          if (ended) return;
          if (event.seq <= last) continue;
          last = event.seq;
          try {
            onEvent(event);
          } catch {
            // A subscriber's failure must not stop the poll.
          }
        }
        if (events.length < PAGE) return;
      }
    };
    const poll = () => {
      timer = setTimeout(() => {
        drain().then(
          () => {
            if (!ended) poll();
          },
          (err: unknown) => end(err instanceof Error ? err : new Error(String(err))),
        );
      }, this.#pollMs);
    };
    await drain();
    this.#subscriptions.add(stop);
    poll();
    return {
      closed,
      close: () => {
        end(null);
        return Promise.resolve();
      },
    };
  }

  /** Ends the board subscriptions (the board itself stays its owner's to close). */
  close(): void {
    for (const stop of [...this.#subscriptions]) stop();
  }
}
