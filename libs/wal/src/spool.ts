/**
 * The WAL spool: the directory on the database machine where `wal-push` (PostgreSQL's
 * archive_command) leaves each WAL file, and from which the shipper (backup-executor) compresses,
 * encrypts and uploads it to the WAL locations. Layout:
 *
 *   <spool>/<name>                  ready to ship: complete and durable (written under a temporary
 *                                   name, fsynced, renamed in, directory fsynced)
 *   <spool>/.tmp-*                  being written, by wal-push or the shipper: never shipped, but
 *                                   counted in the spool's size; one left by a process that died
 *                                   while writing it is removed by the shipper after an hour
 *   <spool>/shipped/<name>.sha256   shipped: the SHA-256 (hex) of the bytes shipped, written by the
 *                                   shipper (`markShipped`) before it removes <spool>/<name>; kept so
 *                                   that a second push of the name is compared with what was shipped
 *   <spool>/alerts/*.json           alerts wal-push leaves for the shipper to raise (the spool is
 *                                   full), each written whole; the shipper removes them once raised
 *
 * Two OS users share the spool: PostgreSQL's (postgres) pushes, the shipper's (another user)
 * ships. Directories are created with mode 0770 and files get 0640, so both need the same group:
 * make the spool's group one they both belong to and set its setgid bit (`chgrp lifeboat <spool>
 * && chmod 2770 <spool>`), and every file and subdirectory created in it inherits that group.
 * Nothing here ever deletes WAL that has not been shipped.
 */
import { type Dirent } from 'node:fs';
import { chmod, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LifeboatError } from '@lifeboat/errors';
import { TEMPORARY_PREFIX, syncDirectory, writeFileDurably } from './durable-write';
import { parseWalFileName } from './names';

export const SPOOL_DIRECTORY_MODE = 0o770;
export const SPOOL_FILE_MODE = 0o640;
const SHIPPED = 'shipped';
const ALERTS = 'alerts';
const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface SpooledFile {
  name: string;
  path: string;
  sizeBytes: number;
  /** When it was pushed into the spool. */
  mtime: Date;
}

export interface SpoolFullAlert {
  kind: 'WAL_SPOOL_FULL';
  /** The WAL file refused. */
  segment: string;
  spoolBytes: number;
  maxSpoolBytes: number;
  /** ISO 8601. */
  at: string;
}

/** Where the record of a shipped file is kept. */
export function shippedRecordPath(spoolDir: string, name: string): string {
  return join(spoolDir, SHIPPED, `${name}.sha256`);
}

/** Creates the spool and its subdirectories when missing, mode 0770 (the setgid bit of an
 *  existing directory is kept). */
export async function ensureSpool(spoolDir: string): Promise<void> {
  for (const dir of [spoolDir, join(spoolDir, SHIPPED), join(spoolDir, ALERTS)]) {
    const created = await mkdir(dir, { recursive: true, mode: SPOOL_DIRECTORY_MODE });
    // mkdir's mode passes through the umask (postgres's is usually 0077): set it as meant.
    if (created !== undefined) await chmod(dir, ((await stat(dir)).mode & 0o7000) | SPOOL_DIRECTORY_MODE);
  }
}

/**
 * What waits to be shipped, oldest first (timeline history files before other files pushed at
 * the same moment, then by name). Temporary files, subdirectories and names that are not WAL
 * files are left out; an absent spool holds nothing.
 */
export async function readyToShip(spoolDir: string): Promise<SpooledFile[]> {
  const entries = await readdir(spoolDir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as Dirent[];
    throw err;
  });
  const found: (SpooledFile & { mtimeMs: number; rank: number })[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    let kind;
    try {
      ({ kind } = parseWalFileName(entry.name));
    } catch {
      continue;
    }
    const path = join(spoolDir, entry.name);
    const info = await stat(path).catch(() => undefined); // shipped meanwhile
    if (info === undefined) continue;
    found.push({ name: entry.name, path, sizeBytes: info.size, mtime: info.mtime, mtimeMs: info.mtimeMs, rank: kind === 'history' ? 0 : 1 });
  }
  found.sort((a, b) => a.mtimeMs - b.mtimeMs || a.rank - b.rank || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return found.map(({ name, path, sizeBytes, mtime }) => ({ name, path, sizeBytes, mtime }));
}

/**
 * Records that `name` was shipped with content `sha256` (hex), then removes it from the spool.
 * Idempotent. The shipper calls it only once every WAL location holds the file.
 */
export async function markShipped(spoolDir: string, name: string, sha256: string): Promise<void> {
  parseWalFileName(name);
  if (!SHA256_HEX.test(sha256)) throw new LifeboatError('BAD_USER_INPUT', `the SHA-256 of ${name} must be 64 lower-case hex digits`);
  await ensureSpool(spoolDir);
  // Record first, remove second: at every moment either the file or its record is there, so a
  // second push of the name is always compared, never taken for a new file and shipped again.
  await writeFileDurably(shippedRecordPath(spoolDir, name), `${sha256}\n`, SPOOL_FILE_MODE);
  await rm(join(spoolDir, name), { force: true });
  await syncDirectory(spoolDir);
}

/** Forgets that `name` was shipped, once the archive no longer holds it (retention): a record
 *  only matters while PostgreSQL might push the name again. */
export async function forgetShipped(spoolDir: string, name: string): Promise<void> {
  parseWalFileName(name);
  await rm(shippedRecordPath(spoolDir, name), { force: true });
}

/** Removes temporary files nobody has written to for `olderThanMs` (their writer died): a
 *  temporary file is never WAL PostgreSQL counts as archived. Returns their names. */
export async function removeOrphanTemporaries(spoolDir: string, olderThanMs: number, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of await readdir(spoolDir, { withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.startsWith(TEMPORARY_PREFIX)) continue;
    const path = join(spoolDir, entry.name);
    const info = await stat(path).catch(() => undefined);
    if (!info || now - info.mtimeMs < olderThanMs) continue;
    await rm(path, { force: true });
    removed.push(entry.name);
  }
  return removed;
}

/** The bytes of every file directly in the spool (ready and being written). */
export async function spoolBytes(spoolDir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(spoolDir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    total += (await stat(join(spoolDir, entry.name)).catch(() => undefined))?.size ?? 0;
  }
  return total;
}

/** Leaves an alert for the shipper: `<spool>/alerts/<at>-spool-full.json`, written whole. */
export async function writeSpoolFullAlert(spoolDir: string, alert: SpoolFullAlert): Promise<string> {
  const path = join(spoolDir, ALERTS, `${alert.at}-spool-full.json`);
  await writeFileDurably(path, `${JSON.stringify(alert)}\n`, SPOOL_FILE_MODE);
  return path;
}
