/**
 * Retention of archived WAL: a file may go once it is older than the point-in-time recovery window
 * and precedes the oldest retained base backup of its cluster (no recovery can start before that
 * backup, so nothing can ever replay it). A file that a retained base backup needs is never
 * deleted, whatever its age; a cluster without a retained base backup keeps all its WAL. Each file
 * goes from every WAL location first, then from the records (its WAL_ARCHIVE backup becomes
 * EXPIRED): a location that fails keeps the file listed, and the next pass tries again.
 */
import { messageOf } from '@lifeboat/errors';
import type { Logger } from '@lifeboat/observability';
import type { Storage } from '@lifeboat/storage';
import { forgetShipped, precedesBaseBackup } from '@lifeboat/wal';
import type { BackupRepository } from '../repositories/backup.repository';
import type { WalSegmentRepository } from '../repositories/wal-segment.repository';

export interface WalRetentionDeps {
  repo: BackupRepository;
  segments: WalSegmentRepository;
  locations: Storage[];
  windowDays: number;
  /** The spool of this executor, whose records of shipped files go with the files. */
  spoolDir?: string;
  logger: Logger;
}

export interface WalRetentionResult {
  deleted: string[];
  failed: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class WalRetention {
  constructor(private readonly deps: WalRetentionDeps) {}

  async run(now = new Date()): Promise<WalRetentionResult> {
    const { repo, segments, locations, logger } = this.deps;
    const before = new Date(now.getTime() - this.deps.windowDays * DAY_MS);
    const result: WalRetentionResult = { deleted: [], failed: [] };
    for (const base of await repo.oldestBaseBackups()) {
      const expired = (await segments.archivedBefore(base.systemId!, before, base.walStart!)).filter((s) => precedesBaseBackup(s.name, base.walStart!));
      for (const segment of expired) {
        try {
          await Promise.all(locations.map((l) => l.remove(segment.key)));
          await repo.update(segment.backupId, { status: 'EXPIRED' });
          await segments.remove(segment.name);
          if (this.deps.spoolDir) await forgetShipped(this.deps.spoolDir, segment.name);
          result.deleted.push(segment.name);
        } catch (err) {
          logger.warn({ segment: segment.name, err: messageOf(err) }, 'expired WAL file not deleted yet');
          result.failed.push(segment.name);
        }
      }
    }
    if (result.deleted.length) logger.info({ deleted: result.deleted.length, first: result.deleted[0], last: result.deleted.at(-1) }, 'expired WAL deleted');
    return result;
  }
}
