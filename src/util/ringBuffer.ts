/** A fixed-capacity buffer of the most recent items; older items fall off. */
export class RingBuffer<T> {
  readonly #items: T[] = [];
  #start = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) {
      throw new RangeError(`capacity must be a positive integer, got ${String(capacity)}`);
    }
  }

  push(item: T): void {
    if (this.#items.length < this.capacity) {
      this.#items.push(item);
      return;
    }
    this.#items[this.#start] = item;
    this.#start = (this.#start + 1) % this.capacity;
  }

  get size(): number {
    return this.#items.length;
  }

  /** The items, oldest first; at most the last `n` when given. */
  toArray(n?: number): T[] {
    const ordered = [...this.#items.slice(this.#start), ...this.#items.slice(0, this.#start)];
    return n === undefined ? ordered : ordered.slice(Math.max(0, ordered.length - n));
  }
}
