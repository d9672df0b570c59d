/**
 * wal-push: PostgreSQL's archive_command. PostgreSQL recycles a WAL file once archive_command
 * exits 0, so this must never report success early: it resolves only once the file is durably in
 * the spool (see spool.ts for the layout), and rejects for anything it cannot vouch for. It runs
 * once per WAL file, as the postgres OS user, and must be quick: a plain copy, no compression (the
 * shipper does that).
 *
 * Refused (PostgreSQL keeps the file and offers it again; the server log shows the message):
 * - a segment whose header names another database system (a second cluster writing to this
 *   archive), or that is not a whole segment of the name it has: CONFLICT / BAD_USER_INPUT;
 * - a name already pushed or shipped with different bytes: CONFLICT;
 * - any file while the spool holds more than `maxSpoolBytes`: WAL_SPOOL_FULL, with an alert left
 *   for the shipper.
 * A name already pushed or shipped with the same bytes is accepted without writing anything:
 * PostgreSQL pushes a file again when it crashed before recording the first success.
 */
import { createHash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { copyFile, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LifeboatError } from '@lifeboat/errors';
import { publish, temporaryPathFor } from './durable-write';
import { checkSystemId, formatLsn, hasSegmentHeader, parseWalFileName, segmentInfo, type WalFileName } from './names';
import { readSegmentHeader } from './segment-header';
import { SPOOL_FILE_MODE, ensureSpool, shippedRecordPath, spoolBytes, writeSpoolFullAlert } from './spool';

export interface PushOptions {
  /** The WAL file (archive_command's %p, relative to the data directory PostgreSQL runs us in). */
  source: string;
  /** Its name (%f, the basename of %p). */
  name: string;
  spoolDir: string;
  /** The archive's database system identifier: segments of any other system are refused. */
  systemId: string;
  /** Refuse while the files in the spool add up to more than this. */
  maxSpoolBytes: number;
}

export interface PushResult {
  /** `spooled`: written now; `already-spooled` / `already-shipped`: the same bytes were pushed before. */
  outcome: 'spooled' | 'already-spooled' | 'already-shipped';
  sizeBytes: number;
}

/** Copies a WAL file into the spool durably; see the module comment for what is refused. */
export async function pushSegment(options: PushOptions): Promise<PushResult> {
  const { source, name, spoolDir, systemId, maxSpoolBytes } = options;
  const file = parseWalFileName(name);
  checkSystemId(systemId);
  if (!Number.isSafeInteger(maxSpoolBytes) || maxSpoolBytes < 0) {
    throw new LifeboatError('BAD_USER_INPUT', `the spool limit must be a whole number of bytes, got ${maxSpoolBytes}`);
  }
  const sizeBytes = await sourceSize(source);
  // History and backup history files have no page header: nothing to check them against.
  if (hasSegmentHeader(file.kind)) await checkSegment(source, file, sizeBytes, systemId);

  await onSpool(spoolDir, 'create the spool', () => ensureSpool(spoolDir));
  const held = await heldBefore(spoolDir, name);
  if (held !== undefined) {
    const sha256 = await sha256Of(source);
    if (sha256 === held.sha256) return { outcome: held.where === 'spool' ? 'already-spooled' : 'already-shipped', sizeBytes };
    throw new LifeboatError('CONFLICT', `WAL file ${name} was ${held.where === 'spool' ? 'pushed' : 'shipped'} before with different content (SHA-256 ${held.sha256}, now ${sha256}); refusing to replace it`, {
      details: { segment: name, spoolDir },
      hint: 'two clusters (or a restored copy of this one) are archiving under the same system identifier into this spool: stop the one that should not archive here',
    });
  }

  const spooled = await onSpool(spoolDir, 'measure the spool', () => spoolBytes(spoolDir));
  if (spooled > maxSpoolBytes) throw await spoolFull(spoolDir, name, spooled, maxSpoolBytes);

  const temporary = temporaryPathFor(join(spoolDir, name));
  // A plain copy (in the kernel where it can); `publish` then fsyncs it before renaming it in and
  // fsyncs the directory after, so that returning — PostgreSQL's cue to recycle its own copy —
  // comes only once the spool's copy survives a crash.
  await onSpool(spoolDir, `write ${name} into the spool`, async () => {
    await copyFile(source, temporary, constants.COPYFILE_EXCL);
    await publish(temporary, join(spoolDir, name), SPOOL_FILE_MODE);
  });
  return { outcome: 'spooled', sizeBytes };
}

async function sourceSize(source: string): Promise<number> {
  const info = await stat(source).catch((err: NodeJS.ErrnoException) => {
    throw new LifeboatError('BAD_USER_INPUT', `cannot read the WAL file ${source} (${err.code ?? err.message})`, { cause: err });
  });
  if (!info.isFile()) throw new LifeboatError('BAD_USER_INPUT', `${source} is not a file`);
  return info.size;
}

/** The segment is one of this system's, whole, and the segment its name says. */
async function checkSegment(source: string, file: WalFileName, sizeBytes: number, systemId: string): Promise<void> {
  const header = await readSegmentHeader(source);
  if (header.systemId !== systemId) {
    throw new LifeboatError('CONFLICT', `WAL file ${file.name} was written by database system ${header.systemId}, not ${systemId}: a second cluster is writing to this archive; refused`, {
      details: { segment: file.name, systemId, segmentSystemId: header.systemId },
      hint: `each cluster archives with its own --system-id (pg_controldata's "Database system identifier"); find the cluster whose archive_command points here with the wrong one`,
    });
  }
  if (sizeBytes !== header.segmentSize) {
    throw new LifeboatError('BAD_USER_INPUT', `WAL file ${file.name} is ${sizeBytes} bytes but its header says segments are ${header.segmentSize} bytes: not a whole segment`);
  }
  const expected = segmentInfo(file.name, header.segmentSize).startLsn;
  const actual = formatLsn(header.pageAddress);
  if (actual !== expected) {
    throw new LifeboatError('BAD_USER_INPUT', `WAL file ${file.name} starts with the page of LSN ${actual}, but its name is the segment of LSN ${expected}`);
  }
}

/** The SHA-256 of what the spool already holds or shipped under `name`, if anything. */
async function heldBefore(spoolDir: string, name: string): Promise<{ where: 'spool' | 'shipped'; sha256: string } | undefined> {
  // The spool first, then the shipped record: the shipper writes the record before removing the
  // file, so looking in this order cannot miss both.
  const spooled = await ifPresent(() => sha256Of(join(spoolDir, name)));
  if (spooled !== undefined) return { where: 'spool', sha256: spooled };
  const shipped = await ifPresent(() => readFile(shippedRecordPath(spoolDir, name), 'utf8'));
  if (shipped !== undefined) return { where: 'shipped', sha256: shipped.trim() };
  return undefined;
}

async function ifPresent<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The refusal, after leaving the alert for the shipper (its failure is told, not thrown: the
 *  refusal is what matters to PostgreSQL). */
async function spoolFull(spoolDir: string, name: string, spooled: number, maxSpoolBytes: number): Promise<LifeboatError> {
  let alertProblem = '';
  try {
    await writeSpoolFullAlert(spoolDir, { kind: 'WAL_SPOOL_FULL', segment: name, spoolBytes: spooled, maxSpoolBytes, at: new Date().toISOString() });
  } catch (err) {
    alertProblem = ` (and the alert could not be written: ${(err as NodeJS.ErrnoException).code ?? String(err)})`;
  }
  return new LifeboatError('WAL_SPOOL_FULL', `the WAL spool ${spoolDir} holds ${spooled} bytes, over its limit of ${maxSpoolBytes}: ${name} refused; PostgreSQL keeps it and retries${alertProblem}`, {
    details: { segment: name, spoolBytes: spooled, maxSpoolBytes },
    hint: 'the shipper (backup-executor) is behind or stopped: check that it runs and that the WAL locations answer',
  });
}

/** Runs a spool operation, turning file system failures into a LifeboatError naming the spool. */
async function onSpool<T>(spoolDir: string, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof LifeboatError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new LifeboatError('INTERNAL', `cannot ${what} (${spoolDir}): ${code}`, {
      cause: err,
      details: { spoolDir },
      hint:
        code === 'EACCES' || code === 'EPERM'
          ? 'the spool must be writable by the postgres user and the shipper alike: give them a common group, chgrp it to that group and chmod 2770'
          : undefined,
    });
  }
}
