/**
 * pg_restore of a custom-format dump file into an existing database, with parallel jobs (which
 * need a seekable file, hence a file and not a stream), stopping at the first error.
 */
import { pgBinary } from './binaries';
import { runProgram } from './child-stream';
import { connectionOf } from './pg-dump';

export interface RestoreOptions {
  databaseUrl: string;
  dumpFile: string;
  jobs: number;
  binDir?: string;
  /** Keep object ownership as dumped (the roles exist on the target server); default true. */
  keepOwners?: boolean;
}

export async function pgRestore(options: RestoreOptions): Promise<void> {
  const { url, env } = connectionOf(options.databaseUrl);
  const args = [`--dbname=${url}`, `--jobs=${options.jobs}`, '--exit-on-error', '--no-password'];
  if (options.keepOwners === false) args.push('--no-owner', '--no-privileges');
  args.push(options.dumpFile);
  await runProgram(pgBinary('pg_restore', options.binDir), args, { env, label: 'pg_restore', code: 'RESTORE_FAILED' });
}
