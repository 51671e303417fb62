/**
 * The app-server processes of one bridge. codex brings up the MCP servers of
 * threads started at the same time one after another inside one process
 * (docs/codex-behaviour.md), so a burst of new sessions is spread over up to
 * `size` processes: another process is spawned only while every running one
 * is busy starting a thread. Sessions started one at a time all share the
 * first process. A session stays on its process until it is released; a
 * process is respawned on demand after a crash, and every spawn gets a new
 * generation (unique in the pool) so a session can tell that its thread must
 * be loaded again.
 */
import { BridgeError } from "../errors.js";
import type { CodexClient } from "./client.js";

export interface PooledClient {
  client: CodexClient;
  generation: number;
}

class Slot<S> {
  client: CodexClient | undefined;
  generation = -1;
  starting: Promise<PooledClient> | undefined;
  /** Sessions placed here and not yet released. */
  readonly sessions = new Set<S>();
  /** Thread starts and resumes in flight. */
  busy = 0;
  /** Sessions released since this process started. */
  released = 0;

  live(): PooledClient | null {
    const c = this.client;
    return c && c.process.exitInfo === undefined && c.process.connection.state === "open"
      ? { client: c, generation: this.generation }
      : null;
  }
}

export class AppServerPool<S extends object> {
  readonly #slots: Array<Slot<S>> = [];
  readonly #placement = new WeakMap<S, Slot<S>>();
  readonly #spawn: () => Promise<CodexClient>;
  readonly #size: number;
  #generations = 0;

  constructor(spawn: () => Promise<CodexClient>, size: number) {
    this.#spawn = spawn;
    this.#size = Math.max(1, Math.floor(size));
  }

  /**
   * The running client of the session's process (or of any process when no
   * session is given), spawned or respawned on demand.
   */
  client(session?: S): Promise<PooledClient> {
    const slot = (session && this.#placement.get(session)) ?? this.#anySlot();
    const live = slot.live();
    if (live) return Promise.resolve(live);
    slot.starting ??= this.#start(slot).finally(() => {
      slot.starting = undefined;
    });
    return slot.starting;
  }

  /** The session's running client without starting one (null when its process is not running). */
  current(session?: S): PooledClient | null {
    const slot = session ? this.#placement.get(session) : this.#slots[0];
    return slot ? slot.live() : null;
  }

  /**
   * Marks a thread start or resume of the session (placing the session first
   * when it has no process yet); call the returned function when it is done.
   */
  threadStarting(session: S): () => void {
    let slot = this.#placement.get(session);
    if (!slot) {
      slot = this.#choose();
      this.#placement.set(session, slot);
      slot.sessions.add(session);
    }
    const placed = slot;
    placed.busy++;
    let done = false;
    return () => {
      if (!done) placed.busy--;
      done = true;
    };
  }

  /**
   * The session was released. Returns the client to close, if any: its
   * process when it has no sessions left and is not the last one, or when
   * `recycleAfter` sessions were released from it and `idle(session)` holds
   * for all that remain (its process is then forgotten, and respawned on demand).
   */
  release(session: S, recycleAfter: number, idle: (s: S) => boolean): CodexClient | undefined {
    const slot = this.#placement.get(session);
    this.#placement.delete(session);
    if (!slot || !slot.sessions.delete(session)) return undefined;
    slot.released++;
    const empty = slot.sessions.size === 0 && slot.busy === 0 && !slot.starting;
    if (empty && this.#slots.length > 1) {
      this.#slots.splice(this.#slots.indexOf(slot), 1);
      return slot.client;
    }
    const recycle = recycleAfter > 0 && slot.released >= recycleAfter;
    if (recycle && slot.client && [...slot.sessions].every(idle)) {
      const client = slot.client;
      slot.client = undefined;
      return client;
    }
    return undefined;
  }

  /** Forgets a client that stopped answering (the caller kills it); its sessions respawn on demand. */
  retire(client: CodexClient): void {
    for (const slot of this.#slots) if (slot.client === client) slot.client = undefined;
  }

  /** Every running client and every one still starting, forgotten: the caller closes them. */
  async drain(): Promise<CodexClient[]> {
    const slots = this.#slots.splice(0);
    const clients = await Promise.all(
      slots.map(async (s) => s.client ?? (await s.starting?.then((p) => p.client).catch(() => undefined))),
    );
    return clients.filter((c): c is CodexClient => c !== undefined);
  }

  /** @internal The process ids of the running app-servers. */
  get processIds(): number[] {
    return this.#slots.flatMap((s) => {
      const pid = s.live()?.client.process.pid;
      return pid === undefined ? [] : [pid];
    });
  }

  #anySlot(): Slot<S> {
    const slot = this.#slots.find((s) => s.live()) ?? this.#slots[0];
    if (slot) return slot;
    const created = new Slot<S>();
    this.#slots.push(created);
    return created;
  }

  /** An idle process with the fewest sessions; else a new one while there is room; else the least busy. */
  #choose(): Slot<S> {
    const byLoad = (a: Slot<S>, b: Slot<S>) => a.busy - b.busy || a.sessions.size - b.sessions.size;
    const sorted = [...this.#slots].sort(byLoad);
    const first = sorted[0];
    if (first && first.busy === 0) return first;
    if (this.#slots.length < this.#size || !first) {
      const created = new Slot<S>();
      this.#slots.push(created);
      return created;
    }
    return first;
  }

  async #start(slot: Slot<S>): Promise<PooledClient> {
    const client = await this.#spawn();
    if (!this.#slots.includes(slot)) {
      // Drained or emptied while starting.
      await client.close().catch(() => undefined);
      throw new BridgeError("INVALID_STATE", "the bridge was closed");
    }
    slot.client = client;
    slot.generation = ++this.#generations;
    slot.released = 0;
    return { client, generation: slot.generation };
  }
}
