/** Where PostgreSQL's client programs are: a configured directory, or the PATH. */
import { join } from 'node:path';

export function pgBinary(name: 'pg_dump' | 'pg_restore' | 'pg_basebackup' | 'psql', binDir?: string): string {
  return binDir ? join(binDir, name) : name;
}

/** A connection URL with the password removed, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}
