/**
 * The one interface to a storage location (a filesystem directory, an S3 bucket). Drivers implement
 * it, wrappers (retry) implement it around another Storage, and code elsewhere holds a Storage and
 * branches on its `capabilities`, never on the class behind it.
 *
 * Keys are `/`-separated relative paths, the same on every location (see `keys.ts` for the rules;
 * a key that breaks them is refused with BAD_USER_INPUT before any I/O).
 *
 * Errors: every method rejects with a LifeboatError naming the location. LOCATION_UNAVAILABLE
 * (retryable) means the location could not be reached or answered with a transient failure;
 * OBJECT_NOT_FOUND, BAD_USER_INPUT, CONFIG_INVALID, UNAUTHENTICATED, FORBIDDEN, CONFLICT and
 * INTERNAL are permanent, with a HINT where the fix is known. Drivers never retry on their own
 * beyond one quick transport-level attempt: retrying with backoff is the retry wrapper's job.
 * The one exception to the LifeboatError rule is `save`: an error raised by the caller's body
 * (or the reason of its abort signal) is rethrown as it is, so the caller sees its own failure.
 */
import { type Readable } from 'node:stream';

export type StorageKind = 'FS' | 'S3';

export interface StorageCapabilities {
  /** `load` honours byte ranges. */
  readonly ranges: boolean;
  /** Large objects travel in parts (S3 multipart upload) rather than as one stream (fs). */
  readonly multipart: boolean;
}

/**
 * The bytes to save. A factory can be called again for a retry (each call must return a fresh
 * stream of the same bytes); a plain Readable can be consumed once, so a save of one is never retried.
 */
export type SaveBody = Readable | (() => Readable | Promise<Readable>);

export interface SaveOptions {
  /** The body's length when known: checked (a body of another length fails the save, nothing
   *  visible), and used to pick a part size large enough for very large objects on S3. */
  contentLength?: number;
  /** Aborts the transfer; the save then rejects with the signal's reason and leaves nothing visible. */
  signal?: AbortSignal;
  /**
   * The object's directory entry may wait for the next save into the same directory, whose sync
   * makes both durable: an artifact, then its manifest (until that save, a crash may lose the
   * object, never leave a part of it). Directories the save had to create are synced all the same;
   * locations without directories ignore it.
   */
  deferDirectorySync?: boolean;
}

/** A byte range, both ends included. `start` must lie inside the object; `end` past the last byte
 *  means "to the end". Omit `end` to read to the end. */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface ObjectInfo {
  sizeBytes: number;
  modifiedAt: Date;
}

export interface ListedObject extends ObjectInfo {
  key: string;
}

export interface StorageUsage {
  usedBytes: number;
  objectCount: number;
}

export interface Storage {
  /** The location's name (`local`, `r2`, `b2`...), used in every error message. */
  readonly name: string;
  readonly kind: StorageKind;
  readonly capabilities: StorageCapabilities;

  /**
   * Streams `body` to `key` with backpressure, in constant memory whatever the size, and resolves
   * with the number of bytes stored. The object becomes visible under `key` only once complete,
   * replacing any previous object atomically (readers see the old bytes or the new, never a mix).
   * On failure nothing new is visible and nothing partial is left behind (no temporary file, no
   * pending multipart upload; if the location dies before that cleanup, an incomplete multipart
   * upload may remain, invisible, until the bucket's lifecycle rule removes it).
   * Saving the same bytes under the same key again is harmless, so a retry is safe; note that a
   * save that fails after the object became visible (its reply lost, the final directory fsync
   * failed) rejects although the object is stored.
   * A plain Readable body belongs to the save from the call on: it is consumed, or destroyed if
   * the save fails or is refused.
   */
  save(key: string, body: SaveBody, options?: SaveOptions): Promise<{ sizeBytes: number }>;

  /**
   * Opens the object (or a range of it) for streaming. Rejects with OBJECT_NOT_FOUND when the key
   * does not exist. Once open, a failure (the location dies mid-transfer) makes the stream emit an
   * error, never hang; such a failure is not retried by anyone, the caller starts again.
   */
  load(key: string, range?: ByteRange): Promise<Readable>;

  /** Size and modification time, or undefined when the key does not exist. */
  stat(key: string): Promise<ObjectInfo | undefined>;

  /**
   * Every object whose key starts with `prefix` (a plain string prefix: `backups/` or `backups/2026-`;
   * `''` for all), in ascending order of the keys' UTF-8 bytes, fetched page by page. Objects being
   * saved are not listed until complete.
   */
  list(prefix: string): AsyncIterable<ListedObject>;

  /** Deletes the object. Idempotent: removing a missing key succeeds. */
  remove(key: string): Promise<void>;

  /** Bytes and objects stored (walks the whole location: for reports, not hot paths). */
  usage(): Promise<StorageUsage>;

  /** Checks that the location is usable (fs: its root can be written to; S3: HeadBucket). Rejects
   *  with LOCATION_UNAVAILABLE when it cannot be reached, with a permanent code when it answers but
   *  refuses (no such bucket, credentials rejected, directory not writable). */
  ping(): Promise<void>;
}
