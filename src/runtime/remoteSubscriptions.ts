/**
 * The client's side of gateway subscriptions: each remembers the last seq it
 * delivered, so a resubscription on a new connection asks for `after` that
 * seq and a replayed event already delivered is dropped — every event
 * exactly once, in order. Events that arrive before their subscribe answer
 * (a gateway may replay at once) wait until the answer names their
 * subscription. Browser-safe.
 */
import { BridgeError, type BridgeErrorCode } from "../errors.js";
import type { Subscription } from "./runtime.js";

/** A subscription of a {@link RemoteRuntime}: {@link Subscription} plus its cursor. */
export interface RemoteSubscription extends Subscription {
  /** The seq of the last event delivered (the `after` of a resubscription). */
  readonly lastSeq: number;
}

export interface SubscriptionTarget {
  /** The subscribe method and its params for a cursor. */
  subscribe: { method: string; params(after: number): unknown };
  unsubscribeMethod: string;
  /** What it follows, for messages: `session S`, `the board`. */
  label: string;
}

type Send = <T>(method: string, params: unknown, options?: { retry?: boolean }) => Promise<T>;

const MAX_EARLY_EVENTS = 100_000;

class Sub implements RemoteSubscription {
  lastSeq: number;
  serverId: string | null = null;
  ended = false;
  readonly closed: Promise<Error | null>;
  #resolve!: (error: Error | null) => void;

  constructor(
    readonly target: SubscriptionTarget,
    after: number,
    readonly onEvent: (event: unknown) => void,
    private readonly registry: SubscriptionRegistry,
  ) {
    this.lastSeq = after;
    this.closed = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  deliver(seq: number, event: unknown): void {
    if (this.ended || seq <= this.lastSeq) return;
    this.lastSeq = seq;
    try {
      this.onEvent(event);
    } catch (err) {
      void this.registry.finish(this, err instanceof Error ? err : new Error(String(err)), true);
    }
  }

  end(error: Error | null): void {
    if (this.ended) return;
    this.ended = true;
    this.#resolve(error);
  }

  close(): Promise<void> {
    return this.registry.finish(this, null, true);
  }
}

export class SubscriptionRegistry {
  readonly #subs = new Set<Sub>();
  readonly #byServerId = new Map<string, Sub>();
  /** Events for a subscription id no answer has named yet, while a subscribe is in flight. */
  #early = new Map<string, Array<{ seq: number; event: unknown }>>();
  #earlyCount = 0;
  #subscribing = 0;

  constructor(private readonly send: Send) {}

  /** Subscribes from `after`; events are delivered to `onEvent` from the first one after it. */
  async open<E>(
    target: SubscriptionTarget,
    after: number,
    onEvent: (event: E) => void,
  ): Promise<RemoteSubscription> {
    const sub = new Sub(target, after, onEvent as (event: unknown) => void, this);
    this.#subs.add(sub);
    try {
      await this.#attach(sub);
    } catch (err) {
      this.#subs.delete(sub);
      sub.end(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
    return sub;
  }

  /** An event notification: `seq` is its cursor. */
  event(subscriptionId: string, seq: number, event: unknown): void {
    const sub = this.#byServerId.get(subscriptionId);
    if (sub) return sub.deliver(seq, event);
    if (this.#subscribing === 0 || this.#earlyCount >= MAX_EARLY_EVENTS) return;
    const list = this.#early.get(subscriptionId) ?? [];
    list.push({ seq, event });
    this.#early.set(subscriptionId, list);
    this.#earlyCount++;
  }

  /**
   * The gateway ended a subscription: its session was closed (`closed`
   * resolves null, as a local runtime's does) or, when the notification
   * carries `error: {code, message}`, the runtime's subscription failed.
   */
  serverClosed(subscriptionId: string, reason: unknown, error: unknown): void {
    const sub = this.#byServerId.get(subscriptionId);
    if (!sub) return;
    const e = typeof error === "object" && error !== null ? (error as Record<string, unknown>) : null;
    const message = typeof e?.message === "string" ? e.message : String(reason);
    const failure = e
      ? new BridgeError(
          (typeof e.code === "string" ? e.code : "PROTOCOL_ERROR") as BridgeErrorCode,
          `the gateway ended the subscription to ${sub.target.label}: ${message}`,
          { details: { reason } },
        )
      : null;
    void this.finish(sub, failure, false);
  }

  /** The connection dropped: server ids are gone; unless it reconnects, every subscription ends with `error`. */
  dropped(error: BridgeError, reconnecting: boolean): void {
    this.#byServerId.clear();
    this.#early = new Map();
    this.#earlyCount = 0;
    for (const sub of this.#subs) sub.serverId = null;
    if (!reconnecting) this.endAll(error);
  }

  /** On a new connection: resubscribe every open subscription after its last delivered seq. */
  async resubscribe(): Promise<void> {
    await Promise.all(
      [...this.#subs].map(async (sub) => {
        try {
          await this.#attach(sub);
        } catch (err) {
          this.#subs.delete(sub);
          sub.end(err instanceof Error ? err : new Error(String(err)));
        }
      }),
    );
  }

  endAll(error: Error | null): void {
    for (const sub of this.#subs) sub.end(error);
    this.#subs.clear();
    this.#byServerId.clear();
  }

  /** Ends `sub` (with `error`, or null when its owner closed it); unsubscribes on the gateway when asked. */
  async finish(sub: Sub, error: Error | null, unsubscribe: boolean): Promise<void> {
    const serverId = sub.serverId;
    sub.end(error);
    this.#subs.delete(sub);
    if (serverId === null) return;
    this.#byServerId.delete(serverId);
    sub.serverId = null;
    if (unsubscribe) {
      // Best effort: the subscription is already over on this side, and a closed connection ends it there.
      await this.send(sub.target.unsubscribeMethod, { subscriptionId: serverId }).catch(() => undefined);
    }
  }

  async #attach(sub: Sub): Promise<void> {
    this.#subscribing++;
    try {
      const after = sub.lastSeq;
      const result = await this.send<{ subscriptionId?: unknown }>(
        sub.target.subscribe.method,
        sub.target.subscribe.params(after),
        { retry: true },
      );
      const id = result?.subscriptionId;
      if (typeof id !== "string" && typeof id !== "number") {
        throw new BridgeError(
          "PROTOCOL_ERROR",
          `${sub.target.subscribe.method}: the gateway's answer has no subscriptionId`,
        );
      }
      const serverId = String(id);
      if (sub.ended) {
        await this.send(sub.target.unsubscribeMethod, { subscriptionId: serverId }).catch(() => undefined);
        return;
      }
      sub.serverId = serverId;
      this.#byServerId.set(serverId, sub);
      const early = this.#early.get(serverId);
      if (early) {
        this.#early.delete(serverId);
        this.#earlyCount -= early.length;
        for (const e of early) sub.deliver(e.seq, e.event);
      }
    } finally {
      this.#subscribing--;
      if (this.#subscribing === 0) {
        this.#early = new Map();
        this.#earlyCount = 0;
      }
    }
  }
}
