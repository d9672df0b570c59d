/**
 * Small objects read once for every copy being made of them at the same time: a backup's copies
 * are claimed together, and each remote copy reads the artifact and the manifest from the same
 * source location as the source's own verification does. A tenant job's thousands of small
 * artifacts would otherwise be read from disk five times each. Larger objects are streamed to
 * each user as before (their bytes are never held in memory).
 */
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { Storage } from '@lifeboat/storage';

/** Objects up to this size are shared; with the replicator's concurrency, this bounds what it holds. */
export const SHARED_READ_MAX_BYTES = 4 * 1024 * 1024;

export class SharedReads {
  readonly #entries = new Map<string, { bytes: Promise<Buffer>; users: number }>();

  /**
   * Runs `use` with a loader of the object `key` of `location`: with `share` (the object is known
   * to be small), every loader handed out while any `use` of the same object runs yields the same
   * bytes, read once; otherwise each load reads the location.
   */
  async use<T>(location: Storage, key: string, share: boolean, use: (load: () => Promise<Readable>) => Promise<T>): Promise<T> {
    if (!share) return use(() => location.load(key));
    const id = `${location.name}\0${key}`;
    let entry = this.#entries.get(id);
    if (!entry) {
      entry = { bytes: location.load(key).then((stream) => buffer(stream)), users: 0 };
      // A failed read fails its users (each retries later with a read of its own), not the process.
      entry.bytes.catch(() => undefined);
      this.#entries.set(id, entry);
    }
    const mine = entry;
    mine.users++;
    try {
      return await use(async () => Readable.from([await mine.bytes]));
    } finally {
      if (--mine.users === 0 && this.#entries.get(id) === mine) this.#entries.delete(id);
    }
  }
}
