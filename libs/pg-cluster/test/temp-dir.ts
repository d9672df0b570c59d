/** Temporary directories a cluster can live in. */
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new directory under the temporary directory that the postgres user can traverse: mkdtemp
 *  makes it 0700 and, in tests run as root, root's. */
export async function traversableTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await chmod(dir, 0o755);
  return dir;
}
