/**
 * A push-driven async iterable: producers `push`, one consumer iterates.
 * Ending (with or without an error) lets the consumer drain what is queued
 * first. Leaving the loop early runs `onReturn`, so subscriptions tied to
 * the iteration are released.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  readonly #items: T[] = [];
  /** Consumers waiting for an item, oldest first (next() may be called again before it settles). */
  readonly #waiters: Array<{ resolve(r: IteratorResult<T>): void; reject(e: unknown): void }> = [];
  #done = false;
  #error: Error | undefined;
  #onReturn: (() => void) | undefined;

  constructor(onReturn?: () => void) {
    this.#onReturn = onReturn;
  }

  get ended(): boolean {
    return this.#done;
  }

  push(item: T): void {
    if (this.#done) return;
    const waiter = this.#waiters.shift();
    if (waiter) waiter.resolve({ value: item, done: false });
    else this.#items.push(item);
  }

  /** Ends the stream; queued items are still delivered, then the error (if any) is thrown. */
  end(error?: Error): void {
    if (this.#done) return;
    this.#done = true;
    this.#error = error;
    this.#release();
    const waiters = this.#waiters.splice(0);
    // The first waiter gets the error (as next() would); the rest see the end.
    waiters.forEach((w, i) => {
      if (error !== undefined && i === 0) {
        this.#error = undefined;
        w.reject(error);
      } else {
        w.resolve({ value: undefined, done: true });
      }
    });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#items.length > 0) return Promise.resolve({ value: this.#items.shift() as T, done: false });
    if (this.#done) {
      if (this.#error !== undefined) {
        const e = this.#error;
        this.#error = undefined;
        return Promise.reject(e);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.#items.length = 0;
    this.#error = undefined;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #release(): void {
    const fn = this.#onReturn;
    this.#onReturn = undefined;
    fn?.();
  }
}
