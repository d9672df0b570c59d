/**
 * Files that appear whole and stay: written under a temporary name (`.tmp-*`, which every reader
 * of the spool ignores) in the destination's directory, fsynced, renamed into place, and the
 * directory fsynced. After a crash a reader finds the old state or the new one, never a partial
 * file under the final name; at worst an orphan `.tmp-*` file is left.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export const TEMPORARY_PREFIX = '.tmp-';

/** A new temporary name for `path`, in its directory. */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `${TEMPORARY_PREFIX}${basename(path)}-${randomBytes(6).toString('hex')}`);
}

/** Makes the directory's entries (a rename, a removal) durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Moves a fully written `temporary` file to `path` durably, with `mode`. On failure the temporary
 * file is removed. Resolves only once the new name survives a crash.
 */
export async function publish(temporary: string, path: string, mode: number): Promise<void> {
  try {
    const handle = await open(temporary, 'r+');
    try {
      await handle.chmod(mode);
      // Data before name: a rename can reach the disk before the file's blocks do, and a crash
      // would then leave the final name on an empty or partial file.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
  // The rename itself is only durable once its directory is synced.
  await syncDirectory(dirname(path));
}

/** Writes `data` to `path` durably and atomically (see `publish`). */
export async function writeFileDurably(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const temporary = temporaryPathFor(path);
  try {
    await writeFile(temporary, data, { flag: 'wx', mode });
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
  await publish(temporary, path, mode);
}
