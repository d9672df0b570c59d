/**
 * An async iterator over a core NATS subscription whose `return()` unsubscribes at once.
 * (An async generator would wait behind its pending `next()`, keeping the subscription of a
 * disconnected client alive until the next message arrives.) A slow reader loses the oldest
 * messages beyond `maxQueued` rather than growing memory without bound.
 */
import type { Msg, NatsConnection, Subscription } from 'nats';

export class LiveIterator<T> implements AsyncIterableIterator<T> {
  readonly #queue: T[] = [];
  #waiting: ((r: IteratorResult<T>) => void) | null = null;
  #done = false;
  readonly #subs: Subscription[];

  constructor(
    nc: NatsConnection,
    subjects: string[],
    map: (msg: Msg) => T | undefined,
    private readonly maxQueued = 1000,
  ) {
    this.#subs = subjects.map((subject) =>
      nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err) return void this.return();
          const value = map(msg);
          if (value !== undefined) this.#push(value);
        },
      }),
    );
  }

  #push(value: T): void {
    if (this.#done) return;
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = null;
      resolve({ value, done: false });
      return;
    }
    this.#queue.push(value);
    if (this.#queue.length > this.maxQueued) this.#queue.shift();
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.#queue.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.#done) {
      this.#done = true;
      for (const sub of this.#subs) sub.unsubscribe();
      this.#queue.length = 0;
      const resolve = this.#waiting;
      this.#waiting = null;
      resolve?.({ value: undefined, done: true });
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(err?: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(err);
  }

  /** Whether every underlying NATS subscription is released. */
  get released(): boolean {
    return this.#subs.every((s) => s.isClosed());
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
