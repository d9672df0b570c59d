/**
 * Ships WAL continuously: every file PostgreSQL's archive_command (`lifeboat wal-push`) left in the
 * spool is compressed and encrypted once (the artifact format) and uploaded to every WAL location
 * (default R2 and B2; the seed skips local) in parallel, recorded (a WAL_ARCHIVE backup and its
 * segment facts), announced (`wal.archived`), and only then removed from the spool. A location
 * that is down keeps the file in the spool, retried every pass. Alerts `wal-push` left in the
 * spool (spool full) are published as `alert.raised`. `check` tells whether anything is stuck.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, readdir, rm, watch } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type Keyring, createCompressStream, createEncryptStream, createHashTap } from '@lifeboat/artifact';
import { errorCodeOf, messageOf } from '@lifeboat/errors';
import type { EventBus, Stoppable } from '@lifeboat/events';
import type { Logger } from '@lifeboat/observability';
import type { Storage } from '@lifeboat/storage';
import { markShipped, readyToShip, removeOrphanTemporaries, segmentInfo, walKey } from '@lifeboat/wal';
import type { BackupRepository } from '../repositories/backup.repository';
import type { WalSegmentRepository } from '../repositories/wal-segment.repository';

/** A temporary file untouched this long in the spool was left by a writer that died. */
const ORPHAN_AFTER_MS = 60 * 60 * 1000;

export interface WalShipperDeps {
  spoolDir: string;
  locations: Storage[];
  keyring: Keyring;
  level: number;
  repo: BackupRepository;
  segments: WalSegmentRepository;
  bus: EventBus;
  logger: Logger;
  /** The protected cluster's system identifier (the archive's namespace). */
  systemId: () => Promise<string>;
}

export interface SpoolState {
  waiting: number;
  waitingBytes: number;
  oldestSpooledAt: Date | null;
}

export class WalShipper {
  #running?: Promise<void>;
  #again = false;
  #stopped = false;

  constructor(private readonly deps: WalShipperDeps) {}

  start(pollMs = 1000): Stoppable {
    const abort = new AbortController();
    const timer = setInterval(() => this.poke(), pollMs);
    // A new file in the spool ships at once rather than at the next poll.
    void (async () => {
      try {
        for await (const _ of watch(this.deps.spoolDir, { signal: abort.signal })) this.poke();
      } catch {
        // The poll goes on if the directory cannot be watched.
      }
    })();
    this.poke();
    return {
      stop: async () => {
        this.#stopped = true;
        clearInterval(timer);
        abort.abort();
        await this.#running;
      },
    };
  }

  poke(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#pass()
      .catch((err) => this.deps.logger.warn({ err: messageOf(err) }, 'WAL shipping pass failed'))
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.poke();
        }
      });
  }

  /** What waits in the spool now. */
  async state(): Promise<SpoolState> {
    const ready = await readyToShip(this.deps.spoolDir);
    return {
      waiting: ready.length,
      waitingBytes: ready.reduce((n, f) => n + f.sizeBytes, 0),
      oldestSpooledAt: ready.length ? ready[0].mtime : null,
    };
  }

  async #pass(): Promise<void> {
    await this.#publishAlerts();
    const orphans = await removeOrphanTemporaries(this.deps.spoolDir, ORPHAN_AFTER_MS);
    if (orphans.length) this.deps.logger.warn({ files: orphans }, 'removed temporary files left in the WAL spool by a writer that died');
    for (const file of await readyToShip(this.deps.spoolDir)) {
      if (this.#stopped) return;
      try {
        await this.#ship(file.name, file.path, file.mtime);
      } catch (err) {
        // Kept in the spool: PostgreSQL's WAL is safe there; the next pass tries again.
        this.deps.logger.warn({ segment: file.name, code: errorCodeOf(err), err: messageOf(err) }, 'WAL file not shipped yet');
        return;
      }
    }
  }

  async #ship(name: string, path: string, spooledAt: Date): Promise<void> {
    const { keyring, locations, level } = this.deps;
    const systemId = await this.deps.systemId();
    const key = walKey(systemId, name);
    const artifact = join(this.deps.spoolDir, `.tmp-ship-${name}`);
    try {
      // Encrypted once, the same bytes go everywhere: one checksum for every copy. The spooled
      // file is hashed on the same read (it never changes once in the spool).
      const raw = createHashTap();
      const hash = createHashTap();
      await pipeline(createReadStream(path), raw, createCompressStream({ level, workers: 0 }), createEncryptStream(keyring), hash, createWriteStream(artifact));
      const sizeBytes = hash.bytes;
      await Promise.all(locations.map((l) => l.save(key, () => createReadStream(artifact), { contentLength: sizeBytes })));
      const originalSizeBytes = raw.bytes;
      const info = segmentInfo(name);
      const archivedAt = new Date();
      const backup = await this.deps.repo.create({
        type: 'WAL_ARCHIVE',
        filename: name,
        key,
        location: locations[0].name,
        status: 'VERIFIED',
        sizeBytes,
        originalSizeBytes,
        checksum: hash.digest(),
        keyId: keyring.currentKeyId,
        startedAt: spooledAt,
        completedAt: archivedAt,
        verifiedAt: archivedAt,
        durationSeconds: (archivedAt.getTime() - spooledAt.getTime()) / 1000,
        compressionRatio: sizeBytes > 0 ? originalSizeBytes / sizeBytes : null,
      });
      await this.deps.segments.record({
        name,
        systemId,
        timeline: info.timeline,
        startLsn: info.startLsn ?? null,
        endLsn: info.endLsn ?? null,
        key,
        sizeBytes,
        originalSizeBytes,
        checksum: hash.digest(),
        keyId: keyring.currentKeyId,
        locations: locations.map((l) => l.name),
        spooledAt,
        archivedAt,
        backupId: backup.id,
      });
      await this.deps.bus.publish('wal.archived', {
        segment: name,
        timeline: info.timeline,
        systemId,
        startLsn: info.startLsn ?? null,
        endLsn: info.endLsn ?? null,
        locations: locations.map((l) => l.name),
        sizeBytes,
        spooledAt: spooledAt.toISOString(),
        archivedAt: archivedAt.toISOString(),
      });
      // Last: only once every WAL location holds it (and it is recorded) does the spool let it go.
      await markShipped(this.deps.spoolDir, name, raw.digest());
    } finally {
      await rm(artifact, { force: true });
    }
  }

  async #publishAlerts(): Promise<void> {
    const dir = join(this.deps.spoolDir, 'alerts');
    const files = await readdir(dir).catch(() => [] as string[]);
    for (const f of files.filter((x) => x.endsWith('.json')).sort()) {
      const path = join(dir, f);
      try {
        const alert = JSON.parse(await readFile(path, 'utf8')) as { kind: string; segment?: string; spoolBytes?: number; maxSpoolBytes?: number };
        await this.deps.bus.publish('alert.raised', {
          kind: alert.kind,
          severity: 'CRITICAL',
          message: `wal-push refused ${alert.segment ?? 'a WAL file'}: the spool holds ${alert.spoolBytes} bytes, over its limit of ${alert.maxSpoolBytes}; PostgreSQL keeps the WAL and retries`,
          subject: alert.segment ?? null,
          details: alert as Record<string, unknown>,
        });
        await rm(path, { force: true });
      } catch (err) {
        this.deps.logger.warn({ file: f, err: messageOf(err) }, 'could not publish a WAL spool alert');
      }
    }
  }
}
