/**
 * The `fs` driver: each object is a file under a root directory, at the relative path its key
 * names. The root is created when missing (by `ping` or the first save). A directory cannot be an
 * object and hold objects at once, so keys `a` and `a/b` cannot coexist here (CONFLICT); Lifeboat's
 * key layout never needs both.
 *
 * A save writes a temporary file (named with TEMPORARY_MARK, never listed) in the object's
 * directory, fsyncs it, renames it over the key and fsyncs its directory (unless the caller defers
 * that to its next save there), and the parents of any directory it had to create: a crash leaves
 * the old object or the new one, never a mix, and at worst an unlisted temporary file.
 */
import { randomBytes } from 'node:crypto';
import { type Dirent } from 'node:fs';
import { mkdir, open, readdir, rename, rm, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LifeboatError } from '@lifeboat/errors';
import { TEMPORARY_MARK, compareKeys, validateKey, validatePrefix, validateRange } from './keys';
import { locationVariable } from './location-variables';
import { type ByteRange, type ListedObject, type ObjectInfo, type SaveBody, type SaveOptions, type Storage, type StorageUsage } from './storage';
import { SaveSource, withClassifiedErrors } from './streams';

export interface FsStorageConfig {
  /** The location's name, used in errors. */
  name: string;
  /** The root directory; a relative path is resolved against the process's working directory. */
  root: string;
}

/** Codes after which the same operation may succeed later: a full disk, a network filesystem away. */
const TRANSIENT = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'ENODEV', 'ENXIO', 'ESTALE', 'ETIMEDOUT', 'EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE', 'EHOSTDOWN', 'ENOENT']);
/** Codes that mean the path is already taken by something of the other kind (file or directory). */
const CONFLICTING = new Set(['EISDIR', 'ENOTDIR', 'EEXIST', 'ENOTEMPTY']);
const ABSENT = new Set(['ENOENT', 'ENOTDIR']);

export class FsStorage implements Storage {
  readonly kind = 'FS';
  readonly capabilities = { ranges: true, multipart: false } as const;
  readonly name: string;
  private readonly root: string;

  constructor(config: FsStorageConfig) {
    this.name = config.name;
    this.root = path.resolve(config.root);
  }

  async save(key: string, body: SaveBody, options?: SaveOptions): Promise<{ sizeBytes: number }> {
    const source = await SaveSource.open(this.name, key, body, options);
    const file = this.pathOf(key);
    let temporary: string | undefined;
    try {
      let handle: FileHandle;
      let created: string | undefined;
      [temporary, handle, created] = await this.createTemporary(path.dirname(file));
      await pipeline(source.stream, handle.createWriteStream({ flush: true }));
      await rename(temporary, file);
      temporary = undefined;
      // The rename is durable once its directory is synced, and a directory just created once its
      // parent is: the object's directory, and up to the parent of the first one this save made.
      if (created !== undefined) await syncDirectories(path.dirname(file), path.dirname(created));
      else if (!options?.deferDirectorySync) await syncDirectories(path.dirname(file), path.dirname(file));
      return { sizeBytes: source.sizeBytes };
    } catch (err) {
      source.destroy();
      // Best effort: the save fails anyway, and a leftover temporary file is never listed.
      if (temporary !== undefined) await rm(temporary, { force: true }).catch(() => undefined);
      throw source.failure ?? this.classify(err, 'save', key);
    }
  }

  async load(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.pathOf(key);
    validateRange(this.name, range);
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (err) {
      throw ABSENT.has(errnoOf(err)) ? this.notFound(key, err) : this.classify(err, 'load', key);
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw this.notFound(key);
      if (range && range.start >= info.size) {
        throw new LifeboatError('BAD_USER_INPUT', `location ${this.name}: range starts at ${range.start}, past the end of ${key} (${info.size} bytes)`, {
          details: { location: this.name, key },
        });
      }
      const stream = handle.createReadStream({ start: range?.start, end: range?.end });
      return withClassifiedErrors(stream, (err) => this.classify(err, 'load', key));
    } catch (err) {
      await handle.close();
      throw this.classify(err, 'load', key);
    }
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    const file = this.pathOf(key);
    try {
      const info = await stat(file);
      return info.isFile() ? { sizeBytes: info.size, modifiedAt: info.mtime } : undefined;
    } catch (err) {
      if (ABSENT.has(errnoOf(err))) return undefined;
      throw this.classify(err, 'stat', key);
    }
  }

  async *list(prefix: string): AsyncGenerator<ListedObject> {
    validatePrefix(this.name, prefix);
    yield* this.walk(prefix.slice(0, prefix.lastIndexOf('/') + 1), prefix);
  }

  async remove(key: string): Promise<void> {
    const file = this.pathOf(key);
    try {
      await unlink(file);
    } catch (err) {
      // Missing, or a directory (not an object): either way there is no object to remove.
      if (ABSENT.has(errnoOf(err)) || errnoOf(err) === 'EISDIR') return;
      throw this.classify(err, 'remove', key);
    }
    // Empty directories are pruned, as S3 has none; a save racing with this re-creates its directory.
    for (let dir = path.dirname(file); dir !== this.root; dir = path.dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        return;
      }
    }
  }

  async usage(): Promise<StorageUsage> {
    const usage = { usedBytes: 0, objectCount: 0 };
    for await (const object of this.list('')) {
      usage.usedBytes += object.sizeBytes;
      usage.objectCount += 1;
    }
    return usage;
  }

  async ping(): Promise<void> {
    try {
      const [probe, handle] = await this.createTemporary(this.root);
      await handle.close();
      await rm(probe);
    } catch (err) {
      if (CONFLICTING.has(errnoOf(err))) {
        throw new LifeboatError('CONFIG_INVALID', `location ${this.name}: ${this.root} is not a directory`, {
          cause: err,
          details: { location: this.name },
          hint: `set ${locationVariable(this.name, 'PATH')} to a directory`,
        });
      }
      throw this.classify(err, 'ping');
    }
  }

  private pathOf(key: string): string {
    validateKey(this.name, key);
    return path.join(this.root, ...key.split('/'));
  }

  /**
   * Creates a new temporary file in the directory, and the directory (and the root) when missing;
   * also returns the topmost directory it created, if any.
   */
  private async createTemporary(dir: string): Promise<[string, FileHandle, string | undefined]> {
    let topmost: string | undefined;
    for (let attempt = 1; ; attempt++) {
      const temporary = path.join(dir, `${TEMPORARY_MARK}${randomBytes(8).toString('hex')}`);
      try {
        return [temporary, await open(temporary, 'wx'), topmost];
      } catch (err) {
        // The directory is missing (a new one, or pruned by a concurrent remove): create it and try again.
        if (errnoOf(err) !== 'ENOENT' || attempt === 3) throw err;
      }
      const created = await mkdir(dir, { recursive: true });
      if (created !== undefined && (topmost === undefined || created.length < topmost.length)) topmost = created;
    }
  }

  /** The objects under directory `dirKey` ('' or ending with '/') whose keys start with `prefix`, in key order. */
  private async *walk(dirKey: string, prefix: string): AsyncGenerator<ListedObject> {
    let entries: Dirent[];
    try {
      entries = await readdir(path.join(this.root, dirKey), { withFileTypes: true });
    } catch (err) {
      if (ABSENT.has(errnoOf(err))) return;
      throw this.classify(err, 'list', prefix);
    }
    // Sorting directories as `name/` makes this depth-first walk yield keys in full-key order.
    const children = entries
      .filter((entry) => (entry.isFile() && !entry.name.startsWith(TEMPORARY_MARK)) || entry.isDirectory())
      .map((entry) => ({ isDirectory: entry.isDirectory(), key: dirKey + entry.name + (entry.isDirectory() ? '/' : '') }))
      .sort((a, b) => compareKeys(a.key, b.key));
    for (const child of children) {
      if (child.isDirectory) {
        if (child.key.startsWith(prefix) || prefix.startsWith(child.key)) yield* this.walk(child.key, prefix);
      } else if (child.key.startsWith(prefix)) {
        const info = await stat(path.join(this.root, child.key)).catch((err: unknown) => {
          if (ABSENT.has(errnoOf(err))) return undefined; // removed since the directory was read
          throw this.classify(err, 'list', prefix);
        });
        if (info) yield { key: child.key, sizeBytes: info.size, modifiedAt: info.mtime };
      }
    }
  }

  private notFound(key: string, cause?: unknown): LifeboatError {
    return new LifeboatError('OBJECT_NOT_FOUND', `location ${this.name}: no object ${key}`, { cause, details: { location: this.name, key } });
  }

  private classify(err: unknown, operation: string, key?: string): LifeboatError {
    if (err instanceof LifeboatError) return err;
    const code = errnoOf(err);
    const message = `location ${this.name}: cannot ${operation}${key === undefined ? '' : ` ${JSON.stringify(key)}`}: ${err instanceof Error ? err.message : String(err)}`;
    const options = { cause: err, details: { location: this.name, operation, key, cause: code } };
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      return new LifeboatError('FORBIDDEN', message, {
        ...options,
        hint: `let the user running Lifeboat read and write ${this.root}, or set ${locationVariable(this.name, 'PATH')}`,
      });
    }
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      return new LifeboatError('LOCATION_UNAVAILABLE', message, { ...options, hint: `free space on the filesystem of ${this.root}` });
    }
    if (TRANSIENT.has(code)) return new LifeboatError('LOCATION_UNAVAILABLE', message, options);
    if (CONFLICTING.has(code)) {
      return new LifeboatError('CONFLICT', message, { ...options, hint: 'on a filesystem location, a key cannot be both an object and a prefix of other keys' });
    }
    if (code === 'ENAMETOOLONG') return new LifeboatError('BAD_USER_INPUT', message, options);
    return new LifeboatError('INTERNAL', message, options);
  }
}

function errnoOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** fsyncs `from` and each of its parents up to `to`, inclusive. */
async function syncDirectories(from: string, to: string): Promise<void> {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (dir === to || dir === path.dirname(dir)) return;
  }
}
