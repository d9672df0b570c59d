/**
 * Collecting a configuration backup: the files named by globs under one root directory, each with
 * its type, size, mode, modification time and SHA-256, ready to be packed by `tarStream`.
 *
 * Nothing outside the root is ever collected: globs that climb (`..`) or are absolute are refused,
 * symbolic links are recorded as links and never followed, and a match that fast-glob reached
 * through a symbolic link to a directory (`linkdir/x` where `linkdir -> /elsewhere`) is left out
 * with a warning, as is anything a restore would refuse (a link to an absolute path or out of the
 * root, a name with a backslash). Every file is opened and hashed here, so an unreadable file fails
 * the collection before any byte of the archive is produced.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, readdir, readlink, stat } from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';
import { LifeboatError, messageOf } from '@lifeboat/errors';
import { linkProblem, pathProblem } from './entry-rules';

export type EntryType = 'file' | 'directory' | 'symlink';

/** One collected path; this is also what a CONFIGURATION backup's manifest lists (docs/format.md 5.2). */
export interface CollectedFile {
  /** Relative to the root, `/`-separated, no trailing slash. */
  path: string;
  type: EntryType;
  /** Bytes of a file; 0 for directories and symbolic links. */
  size: number;
  /** Permission bits, including setuid, setgid and sticky (`stat.mode & 0o7777`). */
  mode: number;
  /** Modification time, ISO 8601, truncated to the second as the tar header stores it. */
  mtime: string;
  /** Hex SHA-256 of a file's bytes, as read while collecting. */
  sha256?: string;
  /** A symbolic link's target, as `readlink` gives it. */
  linkTarget?: string;
}

export interface Collection {
  /** Sorted by path, each path once. */
  files: CollectedFile[];
  /** Globs that matched nothing, and paths left out (behind a symbolic link, refused by a restore, not a file/directory/link). */
  warnings: string[];
}

export interface CollectOptions {
  /** Absolute directory the globs are relative to. */
  root: string;
  /** fast-glob patterns relative to `root`; dotfiles match; a matched directory brings its whole tree. */
  globs: readonly string[];
}

/** Never collected, at any depth: dependencies, repositories, and Lifeboat's own runtime directory. */
const EXCLUDED = new Set(['node_modules', '.git', 'var']);

const READ_SIZE = 64 * 1024;

const isExcluded = (rel: string): boolean => rel.split('/').some((segment) => EXCLUDED.has(segment));

function refuseGlob(glob: string): void {
  const reason =
    glob.trim() === '' ? 'is empty'
    : glob.startsWith('!') ? 'is a negation; list what to collect instead'
    : /^([/\\]|[A-Za-z]:)/.test(glob) ? 'is absolute; globs are relative to the root'
    : glob.split(/[/\\]/).includes('..') ? 'climbs out of the root with ".."'
    : undefined;
  if (reason) throw new LifeboatError('BAD_USER_INPUT', `the configuration glob ${JSON.stringify(glob)} ${reason}`, { details: { glob } });
}

const wholeSeconds = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString();

export async function collectConfiguration({ root, globs }: CollectOptions): Promise<Collection> {
  if (!path.isAbsolute(root)) throw new LifeboatError('BAD_USER_INPUT', `the configuration root ${JSON.stringify(root)} is not an absolute path`);
  globs.forEach(refuseGlob);
  // stat, not lstat: the root itself may be a link to the real directory.
  const rootStat = await stat(root).catch((err: unknown) => {
    throw new LifeboatError('BACKUP_FAILED', `the configuration root ${root} cannot be read: ${messageOf(err)}`, { cause: err });
  });
  if (!rootStat.isDirectory()) throw new LifeboatError('BACKUP_FAILED', `the configuration root ${root} is not a directory`);

  const failed = (rel: string, err: unknown): LifeboatError => {
    const code = (err as NodeJS.ErrnoException).code;
    return new LifeboatError('BACKUP_FAILED', `cannot read ${JSON.stringify(rel)} under ${root}: ${code ?? messageOf(err)}`, {
      cause: err,
      details: { path: rel },
      hint: code === 'EACCES' || code === 'EPERM' ? "give Lifeboat's user read access to it, or leave it out of the globs" : undefined,
    });
  };
  /** Any failure while looking at `rel` names it; a LifeboatError from deeper down keeps its own path. */
  const guard = <T>(rel: string, work: Promise<T>): Promise<T> =>
    work.catch((err: unknown) => {
      throw err instanceof LifeboatError ? err : failed(rel, err);
    });
  const relativeOf = (err: unknown): string => {
    const at = (err as NodeJS.ErrnoException).path;
    return at ? path.relative(root, at).split(path.sep).join('/') : '.';
  };

  const warnings: string[] = [];
  const paths = new Set<string>();
  const isLink = new Map<string, boolean>();
  /** The first directory above `rel` that is a symbolic link, if any. */
  const linkAbove = async (rel: string): Promise<string | undefined> => {
    const segments = rel.split('/');
    for (let i = 1; i < segments.length; i++) {
      const prefix = segments.slice(0, i).join('/');
      if (!isLink.has(prefix)) isLink.set(prefix, (await lstat(path.join(root, prefix))).isSymbolicLink());
      if (isLink.get(prefix)) return prefix;
    }
    return undefined;
  };
  const addTree = async (rel: string): Promise<void> => {
    paths.add(rel);
    const children = await guard(rel, readdir(path.join(root, rel), { withFileTypes: true }));
    for (const child of children) {
      if (EXCLUDED.has(child.name)) continue;
      const childRel = `${rel}/${child.name}`;
      if (child.isDirectory()) await addTree(childRel);
      else paths.add(childRel);
    }
  };

  for (const glob of globs) {
    const matches = await fg(glob, {
      cwd: root,
      dot: true,
      onlyFiles: false,
      followSymbolicLinks: false,
      unique: true,
      ignore: [...EXCLUDED].flatMap((name) => [`**/${name}`, `**/${name}/**`]),
    }).catch((err: unknown) => {
      throw failed(relativeOf(err), err);
    });
    let kept = 0;
    for (const match of matches) {
      const rel = path.posix.normalize(match);
      if (rel === '.' || rel === '..' || rel.startsWith('../') || path.posix.isAbsolute(rel)) {
        warnings.push(`glob ${JSON.stringify(glob)} reached ${JSON.stringify(match)}, outside the root: not collected`);
        continue;
      }
      if (isExcluded(rel)) continue;
      const link = await guard(rel, linkAbove(rel));
      if (link) {
        warnings.push(`${JSON.stringify(rel)} lies behind the symbolic link ${JSON.stringify(link)}: not collected (the link itself is, when a glob names it)`);
        continue;
      }
      kept++;
      if (paths.has(rel)) continue;
      if ((await guard(rel, lstat(path.join(root, rel)))).isDirectory()) await addTree(rel);
      else paths.add(rel);
    }
    if (kept === 0) warnings.push(`glob ${JSON.stringify(glob)} matched nothing`);
  }

  const files: CollectedFile[] = [];
  for (const rel of [...paths].sort()) {
    // Left out rather than failing the backup, so that the archive holds only what a restore accepts.
    const badPath = pathProblem(rel);
    const file = badPath ? undefined : await guard(rel, describe(root, rel));
    const problem =
      badPath ??
      (!file ? 'is not a file, directory or symbolic link'
      : file.linkTarget === undefined ? undefined
      : linkProblem(rel, file.linkTarget));
    if (problem || !file) warnings.push(`${JSON.stringify(rel)} ${problem}: not collected`);
    else files.push(file);
  }
  return { files, warnings };
}

/** The entry for one path, reading a file to the end: this is where an unreadable file fails. */
async function describe(root: string, rel: string): Promise<CollectedFile | undefined> {
  const abs = path.join(root, rel);
  const found = await lstat(abs);
  const common = { path: rel, size: 0, mode: found.mode & 0o7777, mtime: wholeSeconds(found.mtimeMs) };
  if (found.isDirectory()) return { ...common, type: 'directory' };
  if (found.isSymbolicLink()) return { ...common, type: 'symlink', linkTarget: await readlink(abs) };
  if (!found.isFile()) return undefined;
  // O_NOFOLLOW: if the file was replaced by a link since the lstat, fail rather than read through it.
  const handle = await open(abs, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const opened = await handle.stat();
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(READ_SIZE);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, READ_SIZE, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
    }
    return { ...common, type: 'file', size, mode: opened.mode & 0o7777, mtime: wholeSeconds(opened.mtimeMs), sha256: hash.digest('hex') };
  } finally {
    await handle.close();
  }
}
