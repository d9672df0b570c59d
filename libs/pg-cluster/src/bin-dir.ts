/**
 * Where PostgreSQL's server programs are when the caller does not say. Debian and Ubuntu keep each
 * major version's initdb, pg_ctl and pg_controldata in /usr/lib/postgresql/<major>/bin, off the
 * PATH; a data directory must be run by the major version that made it (its PG_VERSION file).
 */
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const DEBIAN_ROOT = '/usr/lib/postgresql';

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * The bin directory of `major` (e.g. "15") when given, else of the newest major installed, in the
 * Debian layout; undefined when there is none, meaning: the programs are found on the PATH.
 */
export async function defaultBinDir(major?: string): Promise<string | undefined> {
  const installed = (await readdir(DEBIAN_ROOT).catch(() => [] as string[])).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
  for (const candidate of major === undefined ? installed : installed.filter((name) => name === major)) {
    const bin = join(DEBIAN_ROOT, candidate, 'bin');
    if (await exists(join(bin, 'initdb'))) return bin;
  }
  return undefined;
}
