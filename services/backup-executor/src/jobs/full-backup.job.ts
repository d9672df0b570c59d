/**
 * The daily full backup, the seed's steps 1 to 8: pg_dump of the protected database inside an
 * exported snapshot → parallel gzip → AES-256-GCM → SHA-256 → the first location, streamed with
 * backpressure in constant memory; then the manifest (with the row count of every table in the
 * same snapshot) beside it, written last. The location makes the artifact visible only once it
 * is complete, so a failure at any step leaves nothing visible; the record then says FAILED with
 * the reason. Two full backups of one database never run at once (an advisory lock).
 */
import { randomUUID } from 'node:crypto';
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Keyring, createCompressStream, createEncryptStream, createHashTap } from '@lifeboat/artifact';
import { type MikroORM, withAdvisoryLock } from '@lifeboat/db';
import { LifeboatError, errorCodeOf, messageOf } from '@lifeboat/errors';
import type { EventBus } from '@lifeboat/events';
import { manifestKeyOf, serializeManifest } from '@lifeboat/manifest';
import type { Logger } from '@lifeboat/observability';
import { SnapshotSession, pgDump } from '@lifeboat/pg-tools';
import type { Storage } from '@lifeboat/storage';
import { artifactName } from '../domain/artifact-naming';
import type { Backup } from '../repositories/backup.entity';
import type { BackupRepository } from '../repositories/backup.repository';
import { ProgressReporter } from './progress-reporter';

export interface FullBackupDeps {
  orm: MikroORM;
  repo: BackupRepository;
  bus: EventBus;
  /** Where the artifact is written first (the replicator copies it to the others). */
  first: Storage;
  keyring: Keyring;
  sourceUrl: string;
  compression: { level: number; workers?: number };
  pgBinDir?: string;
  instance: string;
  logger: Logger;
}

export interface JobRef {
  jobId: string | null;
}

export class FullBackupJob {
  constructor(private readonly deps: FullBackupDeps) {}

  /** The identity of the protected database, for the one-at-a-time lock and file names. */
  get sourceName(): string {
    return decodeURIComponent(new URL(this.deps.sourceUrl).pathname.replace(/^\//, '')) || 'postgres';
  }

  get lockKey(): string {
    const u = new URL(this.deps.sourceUrl);
    return `full-backup:${u.hostname}:${u.port || 5432}/${this.sourceName}`;
  }

  /**
   * Runs one full backup. Resolves with the record (COMPLETED or FAILED); rejects with CONFLICT,
   * recording nothing, when another full backup of the same database is running.
   */
  async run(ref: JobRef): Promise<Backup> {
    const locked = await withAdvisoryLock(this.deps.orm, this.lockKey, () => this.#run(ref));
    if (!locked.acquired) {
      throw new LifeboatError('CONFLICT', `a full backup of ${this.sourceName} is already running`, {
        hint: 'wait for it to finish; two full backups of one database never run at once',
      });
    }
    return locked.value;
  }

  async #run(ref: JobRef): Promise<Backup> {
    const { repo, bus, first, keyring, logger } = this.deps;
    const startedAt = new Date();
    const backupId = randomUUID();
    const name = artifactName('FULL_DATABASE', this.sourceName, backupId, startedAt);
    const backup = await repo.create({
      id: backupId,
      type: 'FULL_DATABASE',
      filename: name.filename,
      key: name.key,
      location: first.name,
      jobId: ref.jobId,
      status: 'IN_PROGRESS',
      startedAt,
      instance: this.deps.instance,
      heartbeatAt: startedAt,
      keyId: keyring.currentKeyId,
    });
    const progress = new ProgressReporter(bus, backupId, ref.jobId, () => repo.update(backupId, { heartbeatAt: new Date() }));
    progress.start();
    let session: SnapshotSession | undefined;
    try {
      session = await SnapshotSession.open(this.deps.sourceUrl);
      const facts = await session.facts();
      progress.expectedIn = facts.sizeBytes;
      // Counted in the dump's own snapshot while the dump runs: they describe exactly what it holds.
      const counting = session.countRows();
      counting.catch(() => undefined);

      progress.to('dump');
      const counter = countingStage((n) => (progress.bytesIn += n));
      const hash = createHashTap();
      const body = new PassThrough();
      const piping = pipeline(
        pgDump({ databaseUrl: this.deps.sourceUrl, snapshot: session.snapshotId, binDir: this.deps.pgBinDir }),
        counter,
        createCompressStream({ level: this.deps.compression.level, workers: this.deps.compression.workers }),
        createEncryptStream(keyring),
        hash,
        countingStage((n) => (progress.bytesOut += n)),
        body,
      );
      const [, saved] = await Promise.all([piping, first.save(name.key, body)]);
      const tables = await counting;

      progress.to('manifest');
      const completedAt = new Date();
      const sizeBytes = saved.sizeBytes;
      const manifest = serializeManifest({
        backupId,
        type: 'FULL_DATABASE',
        tenantId: null,
        jobId: ref.jobId,
        key: name.key,
        filename: name.filename,
        sizeBytes,
        originalSizeBytes: progress.bytesIn,
        checksum: hash.digest(),
        keyId: keyring.currentKeyId,
        compression: { algorithm: 'gzip', level: this.deps.compression.level },
        encryption: { algorithm: 'aes-256-gcm' },
        source: { database: facts.database, serverVersion: facts.serverVersion, serverVersionNum: facts.serverVersionNum, tool: 'pg_dump --format=custom', tables },
        startedAt: startedAt.toISOString(),
        completedAt: completedAt.toISOString(),
        details: {},
      });
      // The manifest last: a crash before this point leaves an artifact without a manifest,
      // which the catalog never lists as a backup.
      await first.save(manifestKeyOf(name.key), Readable.from([manifest]));

      const durationSeconds = (completedAt.getTime() - startedAt.getTime()) / 1000;
      const done = {
        status: 'COMPLETED' as const,
        sizeBytes,
        originalSizeBytes: progress.bytesIn,
        checksum: hash.digest(),
        completedAt,
        durationSeconds,
        compressionRatio: sizeBytes > 0 ? progress.bytesIn / sizeBytes : null,
      };
      await repo.update(backupId, done);
      progress.to('completed');
      await bus.publish(
        'backup.created',
        { backupId, type: 'FULL_DATABASE', tenantId: null, jobId: ref.jobId, location: first.name, path: name.key, sizeBytes, checksum: done.checksum, keyId: keyring.currentKeyId },
        { correlationId: ref.jobId ?? backupId },
      );
      logger.info({ backupId, sizeBytes, durationSeconds, ratio: done.compressionRatio }, 'full backup completed');
      return { ...backup, ...done };
    } catch (err) {
      return await this.#fail(backup, err, progress, startedAt, ref);
    } finally {
      progress.stop();
      await session?.close();
    }
  }

  async #fail(backup: Backup, err: unknown, progress: ProgressReporter, startedAt: Date, ref: JobRef): Promise<Backup> {
    const { repo, bus, first, logger } = this.deps;
    const code = errorCodeOf(err);
    const reason = `${code}: ${messageOf(err)}`;
    logger.error({ backupId: backup.id, code, err: messageOf(err) }, 'full backup failed');
    // Nothing of a failed backup stays visible (the location never published a partial object;
    // these remove a complete artifact whose manifest could not be written).
    await first.remove(manifestKeyOf(backup.key)).catch(() => undefined);
    await first.remove(backup.key).catch(() => undefined);
    const completedAt = new Date();
    const changes = { status: 'FAILED' as const, error: reason, completedAt, durationSeconds: (completedAt.getTime() - startedAt.getTime()) / 1000 };
    await repo.update(backup.id, changes);
    progress.to('failed', reason);
    await bus
      .publish('backup.failed', { backupId: backup.id, type: 'FULL_DATABASE', tenantId: null, jobId: ref.jobId, error: { code, message: messageOf(err) } }, { correlationId: ref.jobId ?? backup.id })
      .catch((e) => logger.error({ err: messageOf(e) }, 'could not publish backup.failed'));
    return { ...backup, ...changes };
  }
}

/** A pass-through stage that reports how many bytes went by. */
function countingStage(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
}
