/**
 * Database access for replication state: the backups the replicator knows and their copies,
 * including the claim that gives each piece of work to one worker among all replicas.
 */
import { randomUUID } from 'node:crypto';
import { type EntityManager, type MikroORM, updateRow } from '@lifeboat/db';
import type { CopyStatus } from '@lifeboat/vocabulary';
import { BackupCopy } from './backup-copy.entity';
import { Replication } from './replication.entity';

export type CopyChanges = Partial<Pick<BackupCopy, 'status' | 'checksum' | 'sizeBytes' | 'verifiedAt' | 'lastError' | 'attempts' | 'nextAttemptAt' | 'leaseUntil' | 'path'>>;

/**
 * Copies the worker acts on when due: not yet written, left mid-upload, written but not verified,
 * or found corrupt or missing (to be copied again from a good copy: the repair).
 */
const WORK_STATUSES: CopyStatus[] = ['PENDING', 'UPLOADING', 'STORED', 'CORRUPT', 'MISSING'];

/** A copy taken by a worker: as it was before the claim, with what the worker needs of its backup. */
export interface ClaimedCopy {
  id: string;
  backupId: string;
  location: string;
  status: CopyStatus;
  attempts: number;
  /** Null for a copy whose backup the replicator has no record of. */
  replication: Pick<Replication, 'backupId' | 'key' | 'checksum' | 'sizeBytes' | 'sourceLocation'> | null;
  /** The locations whose copy of the backup is VERIFIED. */
  verifiedLocations: string[];
}

interface ClaimRow {
  id: string;
  backup_id: string;
  location: string;
  status: CopyStatus;
  attempts: number;
  key: string | null;
  checksum: string;
  size_bytes: string;
  source_location: string;
  verified: string[];
}

export class ReplicationRepository {
  constructor(private readonly orm: MikroORM) {}

  /**
   * Records a new backup and one copy per location: the first location's copy is STORED (to be
   * verified), the others PENDING (to be copied). Idempotent: a backup already recorded is left as
   * it is. One statement, written as SQL: a tenant job records thousands.
   */
  async register(em: EntityManager, r: Pick<Replication, 'backupId' | 'key' | 'checksum' | 'sizeBytes' | 'sourceLocation'>, locations: string[]): Promise<void> {
    const now = new Date();
    await em.execute(
      `with added as (insert into replication (backup_id, key, checksum, size_bytes, source_location, created_at)
                      values (?, ?, ?, ?, ?, ?) on conflict (backup_id) do nothing returning backup_id)
       insert into backup_copy (id, backup_id, location, path, status, attempts, next_attempt_at, created_at, updated_at)
       select c.id::uuid, added.backup_id, c.location, ?, c.status, 0, ?, ?, ?
         from added, (values ${locations.map(() => '(?, ?, ?)').join(', ')}) as c(id, location, status)`,
      [
        r.backupId, r.key, r.checksum, r.sizeBytes, r.sourceLocation, now,
        r.key, now, now, now,
        ...locations.flatMap((location) => [randomUUID(), location, location === r.sourceLocation ? 'STORED' : 'PENDING']),
      ],
      'run',
    );
  }

  async replication(backupId: string): Promise<Replication | null> {
    return this.orm.em.fork().findOne(Replication, { backupId });
  }

  /** Takes up to `limit` copies that are due, leasing them to the caller for `leaseMs`; see ClaimedCopy. */
  async claim(limit: number, leaseMs: number): Promise<ClaimedCopy[]> {
    if (limit <= 0) return [];
    // One statement: the lease (and UPLOADING for a copy to be written), and what the worker
    // needs to know, read from the rows as they were before this update.
    // The statuses written out, as in backup_copy_due_index's predicate, for the planner to use it.
    const rows = await this.orm.em.getConnection().execute<ClaimRow[]>(
      `with due as (select id from backup_copy
                     where status in (${WORK_STATUSES.map((s) => `'${s}'`).join(', ')})
                       and next_attempt_at <= now()
                       and (lease_until is null or lease_until < now())
                     order by next_attempt_at
                     limit ? for update skip locked),
            claimed as (update backup_copy set lease_until = now() + (? * interval '1 millisecond'),
                               status = case when status = 'STORED' then status else 'UPLOADING' end
                         where id in (select id from due)
                         returning id)
       select c.id, c.backup_id, c.location, c.status, c.attempts,
              r.key, r.checksum, r.size_bytes, r.source_location,
              array(select v.location from backup_copy v where v.backup_id = c.backup_id and v.status = 'VERIFIED') as verified
         from backup_copy c join claimed on claimed.id = c.id left join replication r on r.backup_id = c.backup_id`,
      [limit, leaseMs],
    );
    return rows.map((r) => ({
      id: r.id,
      backupId: r.backup_id,
      location: r.location,
      status: r.status,
      attempts: r.attempts,
      replication: r.key === null ? null : { backupId: r.backup_id, key: r.key, checksum: r.checksum, sizeBytes: Number(r.size_bytes), sourceLocation: r.source_location },
      verifiedLocations: r.verified,
    }));
  }

  async extendLease(id: string, leaseMs: number): Promise<void> {
    await this.updateCopy(id, { leaseUntil: new Date(Date.now() + leaseMs) });
  }

  async updateCopy(id: string, changes: CopyChanges): Promise<void> {
    await updateRow(this.orm.em.fork(), BackupCopy, id, changes);
  }

  async ensureCopy(backupId: string, location: string, path: string): Promise<BackupCopy> {
    const em = this.orm.em.fork();
    const existing = await em.findOne(BackupCopy, { backupId, location });
    if (existing) return existing;
    const copy = em.create(BackupCopy, { backupId, location, path, status: 'PENDING', nextAttemptAt: new Date() });
    await em.persistAndFlush(copy);
    return copy;
  }

  /**
   * Records a copy VERIFIED (with what its verification read) and, when that makes every copy of
   * its backup VERIFIED, marks the backup verified at `at`; returns whether it did. One round trip
   * (the copy_verified function): of copies verified at the same moment, exactly one completes.
   */
  async recordVerifiedCopy(id: string, seen: { checksum: string; sizeBytes: number }, at: Date, locations: string[]): Promise<boolean> {
    const [row] = await this.orm.em
      .getConnection()
      .execute<{ completed: boolean }[]>(`select copy_verified(?, ?, ?, ?, array[${locations.map(() => '?').join(', ')}]::text[]) as completed`, [
        id,
        seen.checksum,
        seen.sizeBytes,
        at,
        ...locations,
      ]);
    return row.completed;
  }

  /** Marks the backup verified at `at` when every copy is VERIFIED; returns whether it did. */
  async markVerifiedIfComplete(backupId: string, locations: string[], at: Date): Promise<boolean> {
    // A statement of its own, after the caller's updates of the copies committed.
    const result = await this.orm.em.getConnection().execute<{ affectedRows: number }>(
      `update replication set verified_at = ? where backup_id = ?
          and (select count(*) from backup_copy where backup_id = ? and status = 'VERIFIED' and location in (${locations.map(() => '?').join(', ')})) = ?`,
      [at, backupId, backupId, ...locations, locations.length],
      'run',
    );
    return result.affectedRows > 0;
  }

  /** Verifications not yet announced with `backup.verified`. */
  async unannounced(): Promise<Replication[]> {
    const em = this.orm.em.fork();
    const rows = await em
      .getConnection()
      // In the order of replication_unannounced_index, which the planner then reads (without an
      // order, it misjudges how many rows match and reads the whole table).
      .execute<{ backup_id: string }[]>('select backup_id from replication where verified_at is not null and announced_at is distinct from verified_at order by backup_id limit 100');
    return rows.length ? em.find(Replication, { backupId: { $in: rows.map((r) => r.backup_id) } }) : [];
  }

  async markAnnounced(backupId: string, verifiedAt: Date): Promise<void> {
    await updateRow(this.orm.em.fork(), Replication, backupId, { announcedAt: verifiedAt });
  }
}
