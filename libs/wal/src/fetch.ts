/**
 * wal-fetch: PostgreSQL's restore_command during a point-in-time restore. Fetches one archived WAL
 * file from the WAL locations in order: the first copy that decrypts (AES-GCM authenticates every
 * chunk) and decompresses whole is written next to the destination under a temporary name,
 * fsynced and renamed into place, so PostgreSQL never reads a partial or altered file. A location
 * that is down, lacks the file or holds a damaged copy is passed over for the next.
 *
 * PostgreSQL asks for files that do not exist (the segment after the last one, the next
 * timeline's history file) to learn where the archive ends: OBJECT_NOT_FOUND, when every location
 * says the file is not there, is that ordinary answer. Nothing is recorded anywhere.
 */
import type { WriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDecompressStream, createDecryptStream, type Keyring } from '@lifeboat/artifact';
import { LifeboatError, errorCodeOf, messageOf, type ErrorCode } from '@lifeboat/errors';
import type { Storage } from '@lifeboat/storage';
import { publish, temporaryPathFor } from './durable-write';
import { parseWalFileName, walKey } from './names';

export interface FetchOptions {
  /** The WAL file's name (restore_command's %f). */
  name: string;
  /** Where PostgreSQL wants it (%p, relative to the data directory it runs us in). */
  destination: string;
  /** The WAL locations, in the order to try them. */
  locations: readonly Storage[];
  keyring: Keyring;
  /** The archive's database system identifier (part of every WAL key). */
  systemId: string;
}

/** Why a location did not serve the file. */
export interface FetchFailure {
  location: string;
  code: ErrorCode;
  message: string;
}

export interface FetchResult {
  /** The location that served the file. */
  location: string;
  /** Bytes written to the destination. */
  sizeBytes: number;
  /** The locations tried before it, and why each failed. */
  failures: FetchFailure[];
}

const FILE_MODE = 0o600;

/**
 * Fetches `name` into `destination`. Rejects with OBJECT_NOT_FOUND when no location has it, with
 * the code of the first other failure (LOCATION_UNAVAILABLE, TAMPERED, TRUNCATED, WRONG_KEY...)
 * when a location might have had it but none could serve it (the message lists every location),
 * and at once when the destination cannot be written. The destination is untouched on failure.
 */
export async function fetchSegment(options: FetchOptions): Promise<FetchResult> {
  const { name, destination, locations, keyring, systemId } = options;
  parseWalFileName(name);
  const key = walKey(systemId, name);
  if (locations.length === 0) throw new LifeboatError('CONFIG_INVALID', 'no WAL location to fetch from', { hint: 'set LIFEBOAT_WAL_LOCATIONS' });

  const failures: FetchFailure[] = [];
  for (const location of locations) {
    let body: Readable;
    try {
      body = await location.load(key);
    } catch (err) {
      failures.push({ location: location.name, code: errorCodeOf(err), message: messageOf(err) });
      continue;
    }
    const temporary = temporaryPathFor(destination);
    const sink = await openForWriting(temporary, destination, body);
    try {
      await pipeline(body, createDecryptStream(keyring), createDecompressStream(), sink);
    } catch (err) {
      await rm(temporary, { force: true });
      failures.push({ location: location.name, code: errorCodeOf(err), message: messageOf(err) });
      continue;
    }
    await publish(temporary, destination, FILE_MODE);
    return { location: location.name, sizeBytes: sink.bytesWritten, failures };
  }
  throw notFetched(name, key, failures);
}

/** The temporary file's write stream. A failure here is this machine's, not the location's:
 *  no other location would do better, so it is thrown at once. */
async function openForWriting(temporary: string, destination: string, body: Readable): Promise<WriteStream> {
  try {
    return (await open(temporary, 'wx', FILE_MODE)).createWriteStream();
  } catch (err) {
    body.destroy();
    throw new LifeboatError('INTERNAL', `cannot write ${destination} (${(err as NodeJS.ErrnoException).code ?? messageOf(err)})`, { cause: err });
  }
}

function notFetched(name: string, key: string, failures: FetchFailure[]): LifeboatError {
  const tried = failures.map((f) => f.location).join(', ');
  const details = { segment: name, key, failures: failures.map((f) => `${f.location}: ${f.code}`) };
  if (failures.every((f) => f.code === 'OBJECT_NOT_FOUND')) {
    return new LifeboatError('OBJECT_NOT_FOUND', `WAL file ${name} is in no WAL location (${tried})`, { details });
  }
  const first = failures.find((f) => f.code !== 'OBJECT_NOT_FOUND')!;
  return new LifeboatError(first.code, `WAL file ${name} could not be fetched from any WAL location: ${failures.map((f) => `${f.location}: ${f.code}: ${f.message}`).join('; ')}`, {
    details,
    hint: 'a location that is down may hold it: bring it back and restore again; a damaged copy (TAMPERED, TRUNCATED) cannot be used, another location must hold a good one',
  });
}
