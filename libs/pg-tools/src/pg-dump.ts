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

/**
 * pg_basebackup of the whole cluster as one tar stream (the data directory, with the WAL needed to
 * make it consistent fetched into it), after a fast checkpoint. Its progress lines (stderr, `-v`)
 * carry the WAL start and end points: see `parseBaseBackupLog`.
 */
export function pgBaseBackup(options: { databaseUrl: string; binDir?: string; label?: string }): ChildStream {
  const { url, env } = connectionOf(options.databaseUrl);
  const args = ['--pgdata=-', '--format=tar', '--wal-method=fetch', '--checkpoint=fast', '--verbose', '--no-password', `--dbname=${url}`];
  if (options.label) args.push(`--label=${options.label}`);
  return spawnOutput(pgBinary('pg_basebackup', options.binDir), args, { env, label: 'pg_basebackup' });
}

export interface BaseBackupPoints {
  startLsn: string;
  stopLsn: string;
  timeline: number;
}

/** The WAL start and end points pg_basebackup reported (`--verbose`). */
export function parseBaseBackupLog(stderr: string): BaseBackupPoints | undefined {
  const start = /write-ahead log start point: ([0-9A-F]+\/[0-9A-F]+) on timeline (\d+)/.exec(stderr);
  const stop = /write-ahead log end point: ([0-9A-F]+\/[0-9A-F]+)/.exec(stderr);
  return start && stop ? { startLsn: start[1], stopLsn: stop[1], timeline: Number(start[2]) } : undefined;
}
