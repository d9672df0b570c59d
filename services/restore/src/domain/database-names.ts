/** Names of the databases a restore creates: readable, unique per backup, within PostgreSQL's 63 bytes. */
import { MAX_DATABASE_NAME as MAX } from '@lifeboat/pg-tools';

function stamp(at: Date): string {
  return at.toISOString().slice(0, 16).replace(/[-:T]/g, '');
}

function fit(base: string, suffix: string): string {
  const clean = base.replace(/[^A-Za-z0-9_]/g, '_');
  return `${clean.slice(0, MAX - suffix.length)}${suffix}`;
}

/** A new database named after the backup: `<source>_r<yyyymmddhhmm of the backup>_<id8>`. */
export function restoredDatabaseName(sourceDatabase: string, backupId: string, backupCreatedAt: Date): string {
  return fit(sourceDatabase, `_r${stamp(backupCreatedAt)}_${backupId.slice(0, 8)}`);
}

/** Where a restore into the protected database is built before the swap. */
export function workingDatabaseName(target: string, restoreId: string): string {
  return fit(target, `_lbrestore_${restoreId.slice(0, 8)}`);
}

/** Where the replaced protected database is kept after the swap. */
export function asideDatabaseName(target: string, at: Date): string {
  return fit(target, `_before_${stamp(at)}`);
}
