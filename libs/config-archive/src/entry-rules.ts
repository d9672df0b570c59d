/**
 * The rules an archive entry must follow to be extracted: what makes `extractArchive` refuse a
 * whole archive before it writes anything, and what `collectConfiguration` leaves out so that every
 * archive Lifeboat makes can be restored. Pure functions of paths and link targets; no file system.
 */
import { LifeboatError } from '@lifeboat/errors';

/** What the rules need of an entry: a collected file and a listed archive entry both fit. */
export interface EntryShape {
  path: string;
  type: string;
  linkTarget?: string;
}

const RESTORABLE = new Set(['file', 'directory', 'symlink']);
const ABSOLUTE = /^([/\\]|[A-Za-z]:([/\\]|$))/;

/** Why `p` is not a plain relative path (`a/b/c`: no empty, `.` or `..` segment, no NUL, no backslash), or undefined. */
export function pathProblem(p: string): string | undefined {
  if (p === '') return 'has an empty path';
  if (p.includes('\0')) return 'has a NUL in its path';
  if (ABSOLUTE.test(p)) return 'has an absolute path';
  if (p.includes('\\')) return 'has a backslash in its path';
  const segments = p.split('/');
  if (segments.includes('..')) return 'has a ".." segment in its path';
  if (segments.some((segment) => segment === '' || segment === '.')) return 'has an empty or "." segment in its path';
  return undefined;
}

/**
 * Why a symbolic link at `linkPath` pointing to `target` could lead outside the directory it is
 * extracted into, or undefined. A target may climb with leading `..` segments, up to that
 * directory and no further. A `..` after a named segment is refused as well: that name may itself
 * be a link (`x -> a/b`, then `x/../..`), and where the climb ends would then be decided by the file
 * system, not by the text checked here.
 */
export function linkProblem(linkPath: string, target: string): string | undefined {
  const quoted = JSON.stringify(target);
  if (target === '') return 'is a symbolic link with an empty target';
  if (target.includes('\0')) return 'is a symbolic link whose target has a NUL';
  if (ABSOLUTE.test(target)) return `is a symbolic link to the absolute path ${quoted}`;
  if (target.includes('\\')) return `is a symbolic link to ${quoted}, which has a backslash`;
  const segments = target.split('/').filter((segment) => segment !== '' && segment !== '.');
  const named = segments.findIndex((segment) => segment !== '..');
  const climbs = named < 0 ? segments.length : named;
  if (segments.slice(climbs).includes('..')) return `is a symbolic link to ${quoted}, which climbs with ".." after naming a directory`;
  if (climbs > linkPath.split('/').length - 1) return `is a symbolic link to ${quoted}, outside the directory it is extracted into`;
  return undefined;
}

function unsafe(entry: string, problem: string): LifeboatError {
  return new LifeboatError('UNSAFE_ARCHIVE', `refusing the archive: entry ${JSON.stringify(entry)} ${problem}; nothing was extracted`, {
    details: { entry },
    hint: 'Lifeboat never makes such an entry: the archive was made elsewhere or altered. Inspect it with `tar -tvf` before trusting any of it.',
  });
}

/**
 * Throws UNSAFE_ARCHIVE naming the first entry that is not a file, directory or symbolic link, has
 * a path that is not plain and relative, appears twice, is a link that could lead outside, or lies
 * below a symbolic link or a file of the same archive. Below a link is refused whatever the order
 * of the entries and wherever the link points: writing through a link is how extraction escapes.
 */
export function refuseUnsafeEntries(entries: readonly EntryShape[]): void {
  const types = new Map<string, string>();
  for (const entry of entries) {
    const problem =
      !RESTORABLE.has(entry.type) ? `is a ${entry.type} entry; only files, directories and symbolic links are restored`
      : (pathProblem(entry.path) ??
        (types.has(entry.path) ? 'appears twice' : undefined) ??
        (entry.type === 'symlink' ? linkProblem(entry.path, entry.linkTarget ?? '') : undefined));
    if (problem) throw unsafe(entry.path, problem);
    types.set(entry.path, entry.type);
  }
  for (const entry of entries) {
    const segments = entry.path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const parent = segments.slice(0, i).join('/');
      const type = types.get(parent);
      if (type === 'symlink') throw unsafe(entry.path, `goes through the symbolic link ${JSON.stringify(parent)}`);
      if (type === 'file') throw unsafe(entry.path, `goes through the file ${JSON.stringify(parent)}`);
    }
  }
}
