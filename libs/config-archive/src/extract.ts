/**
 * Listing a configuration archive, and extracting one safely into a directory.
 *
 * Extraction reads the archive file twice. The first pass lists every entry and checks them all
 * (`refuseUnsafeEntries`): one bad entry refuses the whole archive before anything is written. Then
 * the target is checked: empty or absent, or with `overwrite`, nothing in it that the archive would
 * have to write through (a symbolic link) or replace by another kind of thing (a directory by a
 * file). Only then does the second pass write, itself rather than with node-tar's `Unpack`, so that
 * every rule is here to read: each parent directory is created one level at a time and checked to be
 * a real directory, each file is created exclusively (`wx`, after removing what it replaces) so an
 * existing link is never followed, and every path is checked to resolve inside the target.
 */
import { createReadStream, type Stats } from 'node:fs';
import { chmod, lstat, lutimes, mkdir, open, readdir, realpath, rm, stat, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Readable } from 'node:stream';
import { isDeepStrictEqual } from 'node:util';
import { LifeboatError, messageOf } from '@lifeboat/errors';
import { refuseUnsafeEntries } from './entry-rules';
import { type ArchiveEntry, readTar } from './tar-reader';

export interface ExtractOptions {
  /** Allow a non-empty target: files there may be replaced, links there are never written through. */
  overwrite: boolean;
}

export interface ExtractReport {
  files: number;
  directories: number;
  symlinks: number;
  /** Bytes of file content written. */
  bytes: number;
}

/** The entries of a tar stream, in archive order, without writing anything. Fails with RESTORE_FAILED on a damaged tar. */
export async function listArchive(source: Readable): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  await readTar(source, (entry, data) => {
    entries.push(entry);
    data.resume();
    return Promise.resolve();
  });
  return entries;
}

const isMissing = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === 'ENOENT';
const depth = (rel: string): number => rel.split('/').length;
/** The permission bits restored: setuid, setgid and sticky are dropped. */
const permissions = (mode: number): number => mode & 0o777;

function conflict(into: string, rel: string, why: string): LifeboatError {
  return new LifeboatError('CONFLICT', `${JSON.stringify(rel)} in ${into} ${why}`, {
    details: { path: rel },
    hint: 'remove it, or restore into an empty directory',
  });
}

/**
 * Extracts the tar file `sourceFile` into the absolute directory `into` (itself possibly a link to
 * a directory), which must be empty or absent (then created) unless `overwrite`. Fails with
 * NOT_FOUND (no such file), UNSAFE_ARCHIVE (a bad entry), CONFLICT (the target) or RESTORE_FAILED
 * (a damaged archive, or an I/O error while writing). The first three are decided before anything is
 * written; after a failure while writing into a target that was empty, what was written is removed.
 * Directories above entries that are not entries themselves are created owner-only (0700).
 */
export async function extractArchive(sourceFile: string, into: string, { overwrite }: ExtractOptions): Promise<ExtractReport> {
  if (!path.isAbsolute(into)) throw new LifeboatError('BAD_USER_INPUT', `the restore target ${JSON.stringify(into)} is not an absolute path`);
  await stat(sourceFile).catch((err: unknown) => {
    throw new LifeboatError(isMissing(err) ? 'NOT_FOUND' : 'RESTORE_FAILED', `the archive ${sourceFile} cannot be read: ${messageOf(err)}`, { cause: err });
  });
  const entries = await listArchive(createReadStream(sourceFile));
  refuseUnsafeEntries(entries);

  const { root, wasEmpty, created } = await prepareTarget(into, overwrite, entries);
  try {
    return await writeEntries(sourceFile, into, root, entries);
  } catch (err) {
    // A target that was empty is emptied again (or removed, if it was created here): no half restore is left to be mistaken for a whole one.
    const cleared = wasEmpty ? await clear(root, created).then(() => true, () => false) : false;
    const left = cleared ? 'nothing was left in it' : `what was written so far is still in ${into}`;
    if (err instanceof LifeboatError && err.code !== 'RESTORE_FAILED') throw err;
    throw new LifeboatError('RESTORE_FAILED', `extracting into ${into} failed (${left}): ${messageOf(err)}`, { cause: err });
  }
}

/**
 * Checks the target and creates it when absent; nothing is written when this throws. Returns its
 * real path, whether it was empty, and the first directory created for it, if any.
 */
async function prepareTarget(into: string, overwrite: boolean, entries: readonly ArchiveEntry[]): Promise<{ root: string; wasEmpty: boolean; created?: string }> {
  try {
    const existing = await stat(into).catch((err: unknown) => (isMissing(err) ? undefined : Promise.reject(err)));
    if (existing && !existing.isDirectory()) throw new LifeboatError('CONFLICT', `the restore target ${into} is not a directory`);
    const wasEmpty = !existing || (await readdir(into)).length === 0;
    if (!wasEmpty && !overwrite) {
      throw new LifeboatError('CONFLICT', `the restore target ${into} is not empty; nothing was extracted`, {
        hint: 'restore into an empty or new directory, or allow overwriting',
      });
    }
    const created = existing ? undefined : await mkdir(into, { recursive: true });
    const root = await realpath(into);
    if (!wasEmpty) await refuseConflicts(into, root, entries);
    return { root, wasEmpty, created };
  } catch (err) {
    if (err instanceof LifeboatError) throw err;
    throw new LifeboatError('RESTORE_FAILED', `the restore target ${into} cannot be prepared: ${messageOf(err)}`, { cause: err });
  }
}

async function clear(root: string, created: string | undefined): Promise<void> {
  if (created) return rm(created, { recursive: true, force: true });
  for (const child of await readdir(root)) await rm(path.join(root, child), { recursive: true, force: true });
}

/**
 * With `overwrite`, refuses (CONFLICT) before anything is written when a directory above an entry
 * is a symbolic link or not a directory on disk, or when an entry and what is at its path are not
 * both directories or both not. A file or link at the path of a file or link entry is replaced.
 */
async function refuseConflicts(into: string, root: string, entries: readonly ArchiveEntry[]): Promise<void> {
  const seen = new Map<string, Stats | undefined>();
  const at = async (rel: string): Promise<Stats | undefined> => {
    if (!seen.has(rel)) seen.set(rel, await lstat(path.join(root, rel)).catch((err: unknown) => (isMissing(err) ? undefined : Promise.reject(err))));
    return seen.get(rel);
  };
  for (const entry of entries) {
    const segments = entry.path.split('/');
    let parentsExist = true;
    for (let i = 1; i < segments.length && parentsExist; i++) {
      const parent = segments.slice(0, i).join('/');
      const found = await at(parent);
      if (!found) parentsExist = false;
      else if (found.isSymbolicLink()) throw conflict(into, parent, `is a symbolic link, and the archive has ${JSON.stringify(entry.path)} below it: refusing to write through it`);
      else if (!found.isDirectory()) throw conflict(into, parent, `is not a directory, and the archive has ${JSON.stringify(entry.path)} below it`);
    }
    const found = parentsExist ? await at(entry.path) : undefined;
    if (found && found.isDirectory() !== (entry.type === 'directory')) {
      throw conflict(into, entry.path, found.isDirectory() ? `is a directory, and the archive has a ${entry.type} there` : 'is not a directory, and the archive has a directory there');
    }
  }
}

async function writeEntries(sourceFile: string, into: string, root: string, entries: readonly ArchiveEntry[]): Promise<ExtractReport> {
  const report: ExtractReport = { files: 0, directories: 0, symlinks: 0, bytes: 0 };
  const inside = root.endsWith(path.sep) ? root : root + path.sep;
  const real = new Set<string>();

  /** Creates `rel` and the directories above it one level at a time, each checked to be a real directory. */
  const ensureDirectory = async (rel: string): Promise<void> => {
    const segments = rel.split('/');
    for (let i = 1; i <= segments.length; i++) {
      const dir = segments.slice(0, i).join('/');
      if (real.has(dir)) continue;
      const abs = path.join(root, dir);
      // Owner-only: a directory entry gets its own mode in the final pass, once everything inside is written.
      await mkdir(abs, 0o700).catch(async (err: unknown) => {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        if (!(await lstat(abs)).isDirectory()) throw conflict(into, dir, 'is not a directory (or is a symbolic link) where the archive needs one');
      });
      real.add(dir);
    }
  };
  /**
   * Where `rel` is written, after making sure it resolves inside the target and that no directory
   * above it is a symbolic link (the real path of its parent is its parent). Whatever is at the path
   * itself is removed: it is replaced, never written through.
   */
  const placeFor = async (rel: string): Promise<string> => {
    const parent = path.posix.dirname(rel);
    if (parent !== '.') await ensureDirectory(parent);
    const abs = path.resolve(root, rel);
    if (!abs.startsWith(inside)) throw new LifeboatError('UNSAFE_ARCHIVE', `entry ${JSON.stringify(rel)} resolves outside ${into}`);
    if ((await realpath(path.dirname(abs))) !== path.dirname(abs)) throw conflict(into, parent, 'resolves through a symbolic link: refusing to write through it');
    await unlink(abs).catch((err: unknown) => {
      if (!isMissing(err)) throw err;
    });
    return abs;
  };

  for (const entry of entries) if (entry.type === 'directory') await ensureDirectory(entry.path);

  let index = 0;
  await readTar(createReadStream(sourceFile), async (entry, data) => {
    if (!isDeepStrictEqual(entry, entries[index++])) throw new LifeboatError('RESTORE_FAILED', `the archive ${sourceFile} changed while it was being extracted`);
    if (entry.type !== 'file') {
      data.resume();
      return;
    }
    const abs = await placeFor(entry.path);
    // `wx` (O_CREAT | O_EXCL) fails on anything at the path, a dangling link included: nothing is followed.
    const handle = await open(abs, 'wx', 0o600);
    try {
      await writeFile(handle, data);
      await handle.chmod(permissions(entry.mode));
      await handle.utimes(new Date(entry.mtime), new Date(entry.mtime));
    } finally {
      await handle.close();
    }
    report.files++;
    report.bytes += entry.size;
  });
  if (index !== entries.length) throw new LifeboatError('RESTORE_FAILED', `the archive ${sourceFile} changed while it was being extracted`);

  // Links last: once a link exists, nothing else is written, so nothing can be written through it.
  for (const entry of entries) {
    if (entry.type !== 'symlink') continue;
    const abs = await placeFor(entry.path);
    await symlink(entry.linkTarget ?? '', abs);
    await lutimes(abs, new Date(entry.mtime), new Date(entry.mtime));
    report.symlinks++;
  }

  // Directory modes and times last, deepest first: writing inside a directory changes its time,
  // and a read-only mode set earlier would stop the writes.
  const directories = entries.filter((entry) => entry.type === 'directory').sort((a, b) => depth(b.path) - depth(a.path));
  for (const entry of directories) {
    const abs = path.join(root, entry.path);
    if (!(await lstat(abs)).isDirectory()) throw conflict(into, entry.path, 'stopped being a directory during the restore');
    await chmod(abs, permissions(entry.mode));
    await utimes(abs, new Date(entry.mtime), new Date(entry.mtime));
    report.directories++;
  }
  return report;
}
