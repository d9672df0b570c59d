/**
 * The retry wrapper: a Storage around another that repeats an operation, with exponential backoff
 * and a bounded number of attempts, when it failed with an error its driver marked retryable
 * (a LifeboatError whose `retryable` is true: LOCATION_UNAVAILABLE). Only this wrapper retries.
 *
 * What cannot be repeated is not: a save whose body is a plain Readable (its bytes are consumed),
 * a load once its stream is handed over (only opening it is retried). A listing that fails midway
 * starts again and skips the keys already yielded, relying on `list`'s key order.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Readable } from 'node:stream';
import { LifeboatError } from '@lifeboat/errors';
import { compareKeys } from './keys';
import { type ByteRange, type ListedObject, type ObjectInfo, type SaveBody, type SaveOptions, type Storage, type StorageUsage } from './storage';

export interface RetryOptions {
  /** Attempts in all, the first included. Default 4. */
  attempts?: number;
  /** Delay before the first retry; each later one doubles it (with jitter). Default 200 ms. */
  baseDelayMs?: number;
  /** Upper bound of any one delay. Default 5000 ms. */
  maxDelayMs?: number;
  /** Told of each retry, e.g. to log it. */
  onRetry?: (error: LifeboatError, attempt: number, delayMs: number) => void;
}

export class RetryingStorage implements Storage {
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly onRetry?: RetryOptions['onRetry'];

  constructor(
    private readonly inner: Storage,
    options: RetryOptions = {},
  ) {
    this.attempts = Math.max(1, options.attempts ?? 4);
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 5000;
    this.onRetry = options.onRetry;
  }

  get name(): string {
    return this.inner.name;
  }

  get kind(): Storage['kind'] {
    return this.inner.kind;
  }

  get capabilities(): Storage['capabilities'] {
    return this.inner.capabilities;
  }

  save(key: string, body: SaveBody, options?: SaveOptions): Promise<{ sizeBytes: number }> {
    if (typeof body !== 'function') return this.inner.save(key, body, options);
    return this.retry(() => this.inner.save(key, body, options), options?.signal);
  }

  load(key: string, range?: ByteRange): Promise<Readable> {
    return this.retry(() => this.inner.load(key, range));
  }

  stat(key: string): Promise<ObjectInfo | undefined> {
    return this.retry(() => this.inner.stat(key));
  }

  async *list(prefix: string): AsyncGenerator<ListedObject> {
    let last: string | undefined;
    for (let failures = 0; ; ) {
      try {
        for await (const object of this.inner.list(prefix)) {
          if (last !== undefined && compareKeys(object.key, last) <= 0) continue;
          last = object.key;
          failures = 0; // the bound is on attempts without progress
          yield object;
        }
        return;
      } catch (err) {
        failures += 1;
        await this.backoff(err, failures);
      }
    }
  }

  remove(key: string): Promise<void> {
    return this.retry(() => this.inner.remove(key));
  }

  usage(): Promise<StorageUsage> {
    return this.retry(() => this.inner.usage());
  }

  ping(): Promise<void> {
    return this.retry(() => this.inner.ping());
  }

  private async retry<T>(operation: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation();
      } catch (err) {
        await this.backoff(err, attempt, signal);
      }
    }
  }

  /** Rethrows `err` unless it is retryable and attempts remain; otherwise waits before the next attempt. */
  private async backoff(err: unknown, attempt: number, signal?: AbortSignal): Promise<void> {
    if (!(err instanceof LifeboatError && err.retryable) || signal?.aborted) throw err;
    if (attempt >= this.attempts) {
      throw new LifeboatError(err.code, `${err.message} (gave up after ${attempt} attempts)`, {
        cause: err,
        hint: err.hint,
        details: { ...err.details, attempts: attempt },
      });
    }
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    const delayMs = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    this.onRetry?.(err, attempt, delayMs);
    await sleep(delayMs, undefined, { signal }).catch(() => {
      throw signal?.reason; // aborted while waiting: reject as the drivers do, with the reason
    });
  }
}
