/**
 * Verification on demand: reads every location's copy of a backup back, in parallel, and
 * compares its SHA-256 with the recorded one. A copy that differs is CORRUPT, one that is gone is
 * MISSING, and either is announced (`backup.copy_corrupt`) and queued for repair; a location
 * that cannot be reached keeps its status and says why. All copies matching re-verifies the backup.
 * It returns the copies as it left them: a repair the worker starts at once must not hide from the
 * caller what the verification found.
 */
import type { EventBus } from '@lifeboat/events';
import { LifeboatError, errorCodeOf, isLifeboatError, messageOf } from '@lifeboat/errors';
import type { Storage } from '@lifeboat/storage';
import { sha256Of } from '../domain/checksum';
import type { BackupCopy } from '../repositories/backup-copy.entity';
import type { CopyChanges, ReplicationRepository } from '../repositories/replication.repository';
import type { BackupCopyView } from '../schema/backup-copy.type';
import type { ReplicationWorker } from './replication.worker';

export class BackupVerifier {
  constructor(
    private readonly repo: ReplicationRepository,
    private readonly locations: Storage[],
    private readonly bus: EventBus,
    private readonly worker: ReplicationWorker,
  ) {}

  /** The copies as this verification left them, by location name (as `Backup.copies` lists them). */
  async verify(backupId: string): Promise<BackupCopyView[]> {
    const replication = await this.repo.replication(backupId);
    if (!replication) {
      throw new LifeboatError('NOT_FOUND', `the storage-replicator has no record of backup ${backupId}`, {
        hint: 'if the metadata database was lost, run `lifeboat catalog rebuild --location <name>` first',
      });
    }
    const now = new Date();
    const bad: { location: string; code: string; message: string }[] = [];
    const found = await Promise.all(
      this.locations.map(async (location): Promise<BackupCopyView> => {
        const copy = await this.repo.ensureCopy(backupId, location.name, replication.key);
        const record = async (changes: CopyChanges) => {
          await this.repo.updateCopy(copy.id, changes);
          return viewOf(copy, changes);
        };
        try {
          const info = await location.stat(replication.key);
          if (!info) {
            const message = `${location.name} does not hold ${replication.key}`;
            bad.push({ location: location.name, code: 'OBJECT_NOT_FOUND', message });
            return record({ status: 'MISSING', lastError: `OBJECT_NOT_FOUND: ${message}`, checksum: null, sizeBytes: null, nextAttemptAt: now });
          }
          const seen = await sha256Of(await location.load(replication.key));
          if (seen.checksum === replication.checksum && seen.sizeBytes === replication.sizeBytes) {
            return record({ status: 'VERIFIED', checksum: seen.checksum, sizeBytes: seen.sizeBytes, verifiedAt: now, lastError: null });
          }
          const message = `${location.name} holds ${seen.sizeBytes} bytes with SHA-256 ${seen.checksum}, expected ${replication.sizeBytes} bytes with ${replication.checksum}`;
          bad.push({ location: location.name, code: 'CHECKSUM_MISMATCH', message });
          return record({ status: 'CORRUPT', checksum: seen.checksum, sizeBytes: seen.sizeBytes, lastError: `CHECKSUM_MISMATCH: ${message}`, nextAttemptAt: now });
        } catch (err) {
          if (isLifeboatError(err) && !err.retryable && err.code !== 'OBJECT_NOT_FOUND') throw err;
          return record({ lastError: `${errorCodeOf(err)}: ${messageOf(err)}` });
        }
      }),
    );
    for (const b of bad) await this.bus.publish('backup.copy_corrupt', { backupId, ...b });
    if (await this.repo.markVerifiedIfComplete(backupId, this.locations.map((l) => l.name), now)) this.worker.poke({ announce: true });
    return found.sort((a, b) => a.location.localeCompare(b.location));
  }
}

function viewOf(copy: BackupCopy, changes: CopyChanges): BackupCopyView {
  const { location, path, status, checksum, sizeBytes, verifiedAt, lastError } = { ...copy, ...changes };
  return { location, path, status, checksum, sizeBytes, verifiedAt, lastError };
}
