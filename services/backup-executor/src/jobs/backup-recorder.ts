/**
 * The life of one backup, shared by every kind of backup job: the record created IN_PROGRESS
 * with its progress reporter; the artifact streamed through compress → encrypt → SHA-256 into the
 * first location (visible only once complete); the manifest written last; COMPLETED and
 * `backup.created`. On failure, whatever was written is removed, the record says FAILED with the
 * reason and `backup.failed` is published.
 */
import { randomUUID } from 'node:crypto';
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Keyring, createCompressStream, createEncryptStream, createHashTap } from '@lifeboat/artifact';
import { errorCodeOf, messageOf } from '@lifeboat/errors';
import type { EventBus } from '@lifeboat/events';
import { type ArtifactManifest, manifestKeyOf, serializeManifest } from '@lifeboat/manifest';
import type { Logger } from '@lifeboat/observability';
import type { Storage } from '@lifeboat/storage';
import type { BackupType } from '@lifeboat/vocabulary';
import { artifactName } from '../domain/artifact-naming';
import type { Backup } from '../repositories/backup.entity';
import type { BackupChanges, BackupRepository } from '../repositories/backup.repository';
import { ProgressReporter } from './progress-reporter';

export interface RecorderDeps {
  repo: BackupRepository;
  bus: EventBus;
  first: Storage;
  keyring: Keyring;
  instance: string;
  logger: Logger;
}

export interface StoredArtifact {
  sizeBytes: number;
  originalSizeBytes: number;
  checksum: string;
}

export interface RunningBackup {
  backup: Backup;
  progress: ProgressReporter;
  startedAt: Date;
}

export class BackupRecorder {
  constructor(private readonly deps: RecorderDeps) {}

  async begin(type: BackupType, source: string, jobId: string | null, tenantId: string | null): Promise<RunningBackup> {
    const { repo, bus, first, keyring } = this.deps;
    const startedAt = new Date();
    const id = randomUUID();
    const name = artifactName(type, source, id, startedAt, tenantId);
    const backup = await repo.create({
      id,
      type,
      tenantId,
      filename: name.filename,
      key: name.key,
      location: first.name,
      jobId,
      status: 'IN_PROGRESS',
      startedAt,
      instance: this.deps.instance,
      heartbeatAt: startedAt,
      keyId: keyring.currentKeyId,
    });
    const progress = new ProgressReporter(bus, id, jobId, () => repo.update(id, { heartbeatAt: new Date() }));
    progress.start();
    return { backup, progress, startedAt };
  }

  /** Streams `source` through compress → encrypt → SHA-256 into the first location under the backup's key. */
  async store(running: RunningBackup, source: Readable, compression: { level: number; workers?: number }): Promise<StoredArtifact> {
    const { progress } = running;
    progress.to('dump');
    const hash = createHashTap();
    const body = new PassThrough();
    const piping = pipeline(
      source,
      counting((n) => (progress.bytesIn += n)),
      createCompressStream(compression),
      createEncryptStream(this.deps.keyring),
      hash,
      counting((n) => (progress.bytesOut += n)),
      body,
    );
    // The manifest, saved next to it, syncs the directory for both.
    const [, saved] = await Promise.all([piping, this.deps.first.save(running.backup.key, body, { deferDirectorySync: true })]);
    return { sizeBytes: saved.sizeBytes, originalSizeBytes: progress.bytesIn, checksum: hash.digest() };
  }

  /** Writes the manifest (last), marks the backup COMPLETED (with `fields` of its type) and announces it. */
  async complete(
    running: RunningBackup,
    stored: StoredArtifact,
    manifest: Pick<ArtifactManifest, 'compression' | 'source' | 'details'>,
    fields: BackupChanges = {},
  ): Promise<Backup> {
    const { repo, bus, first, keyring, logger } = this.deps;
    const { backup, progress, startedAt } = running;
    progress.to('manifest');
    const completedAt = new Date();
    const bytes = serializeManifest({
      backupId: backup.id,
      type: backup.type,
      tenantId: backup.tenantId,
      jobId: backup.jobId,
      key: backup.key,
      filename: backup.filename,
      ...stored,
      keyId: keyring.currentKeyId,
      encryption: { algorithm: 'aes-256-gcm' },
      startedAt: startedAt.toISOString(),
      completedAt: completedAt.toISOString(),
      ...manifest,
    });
    // The manifest last: a crash before this point leaves an artifact without a manifest,
    // which the catalog never lists as a backup.
    await first.save(manifestKeyOf(backup.key), Readable.from([bytes]));
    const done = {
      ...fields,
      status: 'COMPLETED' as const,
      ...stored,
      completedAt,
      durationSeconds: (completedAt.getTime() - startedAt.getTime()) / 1000,
      compressionRatio: stored.sizeBytes > 0 ? stored.originalSizeBytes / stored.sizeBytes : null,
    };
    await repo.update(backup.id, done);
    progress.to('completed');
    progress.stop();
    await bus.publish(
      'backup.created',
      { backupId: backup.id, type: backup.type, tenantId: backup.tenantId, jobId: backup.jobId, location: first.name, path: backup.key, sizeBytes: stored.sizeBytes, checksum: stored.checksum, keyId: keyring.currentKeyId },
      { correlationId: backup.jobId ?? backup.id },
    );
    logger.info({ backupId: backup.id, type: backup.type, tenantId: backup.tenantId, sizeBytes: stored.sizeBytes, durationSeconds: done.durationSeconds }, 'backup completed');
    return { ...backup, ...done };
  }

  async fail(running: RunningBackup, err: unknown): Promise<Backup> {
    const { repo, bus, first, logger } = this.deps;
    const { backup, progress, startedAt } = running;
    const code = errorCodeOf(err);
    const reason = `${code}: ${messageOf(err)}`;
    logger.error({ backupId: backup.id, type: backup.type, tenantId: backup.tenantId, code, err: messageOf(err) }, 'backup failed');
    // Nothing of a failed backup stays visible (the location never published a partial object;
    // these remove a complete artifact whose manifest could not be written).
    await first.remove(manifestKeyOf(backup.key)).catch(() => undefined);
    await first.remove(backup.key).catch(() => undefined);
    const completedAt = new Date();
    const changes = { status: 'FAILED' as const, error: reason, completedAt, durationSeconds: (completedAt.getTime() - startedAt.getTime()) / 1000 };
    await repo.update(backup.id, changes);
    progress.to('failed', reason);
    progress.stop();
    await bus
      .publish(
        'backup.failed',
        { backupId: backup.id, type: backup.type, tenantId: backup.tenantId, jobId: backup.jobId, error: { code, message: messageOf(err) } },
        { correlationId: backup.jobId ?? backup.id },
      )
      .catch((e) => logger.error({ err: messageOf(e) }, 'could not publish backup.failed'));
    return { ...backup, ...changes };
  }
}

/** A pass-through stage that reports how many bytes went by. */
function counting(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
}
