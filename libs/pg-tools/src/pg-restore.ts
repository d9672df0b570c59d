/**
 * pg_restore of a custom-format dump file into an existing database, with parallel jobs (which
 * need a seekable file, hence a file and not a stream), stopping at the first error. It may be
 * limited to some sections, and to the TOC entries of a list (`pg_restore -l`'s format: a dump id
 * a line).
 */
import { writeFile } from 'node:fs/promises';
import { pgBinary } from './binaries';
import { runProgram } from './child-stream';
import { connectionOf } from './pg-dump';

export type DumpSection = 'pre-data' | 'data' | 'post-data';

export interface RestoreOptions {
  databaseUrl: string;
  dumpFile: string;
  jobs: number;
  binDir?: string;
  /** Keep object ownership as dumped (the roles exist on the target server); default true. */
  keepOwners?: boolean;
  /** Only these sections (default all). */
  sections?: DumpSection[];
  /** Only these TOC entries, in this order: written to `listFile` for --use-list. */
  entries?: { dumpIds: number[]; listFile: string };
}

export async function pgRestore(options: RestoreOptions): Promise<void> {
  const { url, env } = connectionOf(options.databaseUrl);
  const args = [`--dbname=${url}`, `--jobs=${options.jobs}`, '--exit-on-error', '--no-password'];
  if (options.keepOwners === false) args.push('--no-owner', '--no-privileges');
  for (const section of options.sections ?? []) args.push(`--section=${section}`);
  if (options.entries) {
    await writeFile(options.entries.listFile, options.entries.dumpIds.map((id) => `${id}\n`).join(''));
    args.push(`--use-list=${options.entries.listFile}`);
  }
  args.push(options.dumpFile);
  await runProgram(pgBinary('pg_restore', options.binDir), args, { env, label: 'pg_restore', code: 'RESTORE_FAILED' });
}
