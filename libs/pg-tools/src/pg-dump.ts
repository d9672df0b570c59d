/**
 * pg_dump of one database as a stream: custom format without pg_dump's own compression
 * (Lifeboat compresses in parallel afterwards), optionally inside an exported snapshot. The
 * password travels in the environment, never on the command line.
 */
import { pgBinary } from './binaries';
import { type ChildStream, spawnOutput } from './child-stream';

export interface DumpOptions {
  databaseUrl: string;
  /** An exported snapshot id (SnapshotSession) to dump exactly that moment. */
  snapshot?: string;
  binDir?: string;
}

export function pgDump(options: DumpOptions): ChildStream {
  const { url, env } = connectionOf(options.databaseUrl);
  const args = ['--format=custom', '--compress=0', '--no-password', `--dbname=${url}`];
  if (options.snapshot) args.push(`--snapshot=${options.snapshot}`);
  return spawnOutput(pgBinary('pg_dump', options.binDir), args, { env, label: 'pg_dump' });
}

/** The URL without its password, and an environment carrying the password for libpq. */
export function connectionOf(databaseUrl: string): { url: string; env: NodeJS.ProcessEnv } {
  const u = new URL(databaseUrl);
  const password = decodeURIComponent(u.password);
  u.password = '';
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (password) env.PGPASSWORD = password;
  return { url: u.toString(), env };
}
