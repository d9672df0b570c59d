/**
 * Reads the healthiest copy of a backup: locations in order of preference, each copy streamed
 * through SHA-256 and decryption into a sink (the spool file). A location that cannot be reached,
 * a missing object, a read error, a decryption failure or a checksum that does not match at the
 * end moves on to the next copy, starting it again; the sink is reopened for each copy, so
 * nothing of a bad copy survives. Copies found corrupt or missing are announced
 * (`backup.copy_corrupt`) for the replicator to repair. A wrong key is not a copy's fault, nor
 * is a target that refuses the data (the sink may load it as it arrives): they end the fetch at
 * once.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Keyring, createDecompressStream, createDecryptStream, createHashTap } from '@lifeboat/artifact';
import { type ErrorCode, LifeboatError, errorCodeOf, messageOf } from '@lifeboat/errors';
import type { EventBus } from '@lifeboat/events';
import { type ArtifactManifest, manifestKeyOf, parseManifest } from '@lifeboat/manifest';
import type { Storage } from '@lifeboat/storage';
import type { Failover } from '../repositories/restore-log.entity';

export interface BackupToFetch {
  id: string;
  key: string;
  checksum: string;
  sizeBytes: number;
  keyId: string;
}

export interface FetchCallbacks {
  /** Called as bytes of the copy are read (location, bytes so far). */
  onBytes(location: string, bytes: number): void;
  /** Called when a copy is left, before the next is tried. */
  onFailover(failover: Failover): Promise<void>;
}

export interface Fetched {
  location: string;
  bytes: number;
}

/** Faults that every copy would meet: the fetch ends at the first. */
const NOT_THE_COPY: ErrorCode[] = ['WRONG_KEY', 'RESTORE_FAILED', 'CONFLICT', 'DEPENDENCY_UNAVAILABLE'];
/** The faults that make a copy bad (rather than unreachable). */
const CORRUPTION: ErrorCode[] = ['CHECKSUM_MISMATCH', 'TAMPERED', 'TRUNCATED', 'OBJECT_NOT_FOUND'];

export class CopyFetcher {
  constructor(
    private readonly locations: Storage[],
    private readonly keyring: Keyring,
    private readonly bus: EventBus,
  ) {}

  /**
   * Fetches the backup into `sink()` (called once per copy tried). `cleanup` is called after a
   * copy fails, to remove what it wrote.
   */
  async fetch(backup: BackupToFetch, sink: () => Writable, cleanup: () => Promise<void>, callbacks: FetchCallbacks): Promise<Fetched> {
    if (!this.keyring.has(backup.keyId)) {
      throw new LifeboatError('WRONG_KEY', `backup ${backup.id} was encrypted with master key "${backup.keyId}", which is not configured (configured: ${this.keyring.keyIds.join(', ')})`, {
        hint: 'add that key to LIFEBOAT_MASTER_KEYS (keep the current one first)',
      });
    }
    const faults: Failover[] = [];
    for (const location of this.locations) {
      try {
        const bytes = await this.#readCopy(location, backup, sink(), (n) => callbacks.onBytes(location.name, n));
        return { location: location.name, bytes };
      } catch (err) {
        await cleanup();
        const code = errorCodeOf(err);
        if (NOT_THE_COPY.includes(code)) throw err;
        const failover: Failover = { location: location.name, code, message: messageOf(err), at: new Date().toISOString() };
        faults.push(failover);
        await callbacks.onFailover(failover);
        if (CORRUPTION.includes(code)) {
          await this.bus.publish('backup.copy_corrupt', { backupId: backup.id, location: location.name, code, message: messageOf(err) }).catch(() => undefined);
        }
      }
    }
    const allCorrupt = faults.every((f) => CORRUPTION.includes(f.code as ErrorCode));
    throw new LifeboatError(
      allCorrupt ? 'CHECKSUM_MISMATCH' : 'LOCATION_UNAVAILABLE',
      `no copy of backup ${backup.id} could be used: ${faults.map((f) => `${f.location}: ${f.code}: ${f.message}`).join('; ')}`,
      { details: { locations: faults.map((f) => f.location) } },
    );
  }

  async #readCopy(location: Storage, backup: BackupToFetch, out: Writable, onBytes: (n: number) => void): Promise<number> {
    const info = await location.stat(backup.key);
    if (!info) throw new LifeboatError('OBJECT_NOT_FOUND', `${location.name} does not hold ${backup.key}`);
    const hash = createHashTap();
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _e, done: TransformCallback) {
        bytes += chunk.length;
        onBytes(bytes);
        done(null, chunk);
      },
    });
    try {
      await pipeline(await location.load(backup.key), hash, counter, createDecryptStream(this.keyring), createDecompressStream(), out);
    } catch (err) {
      // A copy that is altered usually fails authentication before its end; the checksum says so plainly.
      if (errorCodeOf(err) === 'TAMPERED' || errorCodeOf(err) === 'TRUNCATED') {
        throw new LifeboatError(errorCodeOf(err), `${location.name}: ${messageOf(err)}`, { cause: err });
      }
      throw err;
    }
    if (hash.digest() !== backup.checksum || bytes !== backup.sizeBytes) {
      throw new LifeboatError('CHECKSUM_MISMATCH', `${location.name} holds ${bytes} bytes with SHA-256 ${hash.digest()}, expected ${backup.sizeBytes} bytes with ${backup.checksum}`);
    }
    return bytes;
  }

  /** The backup's manifest from the first location holding a readable one that describes it, `preferred` first. */
  async manifest(backup: BackupToFetch, preferred?: string): Promise<ArtifactManifest> {
    const order = [...this.locations].sort((a, b) => Number(b.name === preferred) - Number(a.name === preferred));
    const problems: string[] = [];
    for (const location of order) {
      try {
        const chunks: Buffer[] = [];
        for await (const c of await location.load(manifestKeyOf(backup.key))) chunks.push(c as Buffer);
        const manifest = parseManifest(Buffer.concat(chunks), `${location.name}:${manifestKeyOf(backup.key)}`);
        if (manifest.checksum === backup.checksum) return manifest;
        problems.push(`${location.name}: the manifest describes another artifact`);
      } catch (err) {
        problems.push(`${location.name}: ${messageOf(err)}`);
      }
    }
    throw new LifeboatError('MANIFEST_INVALID', `no readable manifest for backup ${backup.id}: ${problems.join('; ')}`);
  }
}

/** A sink that writes the restored dump to a file. */
export function fileSink(path: string): { sink: () => Writable; cleanup: () => Promise<void> } {
  return { sink: () => createWriteStream(path), cleanup: () => rm(path, { force: true }) };
}

/** A sink that only reads (a dry run checks a copy end to end without writing it anywhere). */
export function nullSink(): { sink: () => Writable; cleanup: () => Promise<void> } {
  return { sink: () => new Writable({ write: (_c, _e, done) => done() }), cleanup: async () => undefined };
}
