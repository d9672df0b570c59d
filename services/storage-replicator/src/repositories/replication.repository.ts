/**
 * Database access for replication state: the backups the replicator knows and their copies,
 * including the claim that gives each piece of work to one worker among all replicas.
 */
import type { EntityManager, MikroORM } from '@lifeboat/db';
import type { CopyStatus } from '@lifeboat/vocabulary';
import { BackupCopy } from './backup-copy.entity';
import { Replication } from './replication.entity';

export type CopyChanges = Partial<Pick<BackupCopy, 'status' | 'checksum' | 'sizeBytes' | 'verifiedAt' | 'lastError' | 'attempts' | 'nextAttemptAt' | 'leaseUntil' | 'path'>>;

/**
 * Copies the worker acts on when due: not yet written, left mid-upload, written but not verified,
 * or found corrupt or missing (to be copied again from a good copy: the repair).
 */
const WORK_STATUSES: CopyStatus[] = ['PENDING', 'UPLOADING', 'STORED', 'CORRUPT', 'MISSING'];

export class ReplicationRepository {
  constructor(private readonly orm: MikroORM) {}

  /**
   * Records a new backup and one copy per location, inside the caller's transaction: the first
   * location's copy is STORED (to be verified), the others PENDING (to be copied). Idempotent.
   */
  async register(em: EntityManager, r: Pick<Replication, 'backupId' | 'key' | 'checksum' | 'sizeBytes' | 'sourceLocation'>, locations: string[]): Promise<void> {
    if (await em.findOne(Replication, { backupId: r.backupId })) return;
    em.persist(em.create(Replication, r));
    for (const location of locations) {
      em.persist(
        em.create(BackupCopy, {
          backupId: r.backupId,
          location,
          path: r.key,
          status: location === r.sourceLocation ? 'STORED' : 'PENDING',
          nextAttemptAt: new Date(),
        }),
      );
    }
  }

  async replication(backupId: string): Promise<Replication | null> {
    return this.orm.em.fork().findOne(Replication, { backupId });
  }

  async copies(backupId: string): Promise<BackupCopy[]> {
    return this.orm.em.fork().find(BackupCopy, { backupId }, { orderBy: { location: 'asc' } });
  }

  /** Takes up to `limit` copies that are due, leasing them to the caller for `leaseMs`. */
  async claim(limit: number, leaseMs: number): Promise<BackupCopy[]> {
    if (limit <= 0) return [];
    const em = this.orm.em.fork();
    const rows = await em.getConnection().execute<{ id: string }[]>(
      `update backup_copy set lease_until = now() + (? * interval '1 millisecond')
        where id in (select id from backup_copy
                      where status in (${WORK_STATUSES.map(() => '?').join(', ')})
                        and next_attempt_at <= now()
                        and (lease_until is null or lease_until < now())
                      order by next_attempt_at nulls first
                      limit ? for update skip locked)
        returning id`,
      [leaseMs, ...WORK_STATUSES, limit],
    );
    if (rows.length === 0) return [];
    return em.find(BackupCopy, { id: { $in: rows.map((r) => r.id) } });
  }

  async extendLease(id: string, leaseMs: number): Promise<void> {
    await this.orm.em.fork().nativeUpdate(BackupCopy, { id }, { leaseUntil: new Date(Date.now() + leaseMs) });
  }

  async updateCopy(id: string, changes: CopyChanges): Promise<void> {
    await this.orm.em.fork().nativeUpdate(BackupCopy, { id }, changes);
  }

  async ensureCopy(backupId: string, location: string, path: string): Promise<BackupCopy> {
    const em = this.orm.em.fork();
    const existing = await em.findOne(BackupCopy, { backupId, location });
    if (existing) return existing;
    const copy = em.create(BackupCopy, { backupId, location, path, status: 'PENDING', nextAttemptAt: new Date() });
    await em.persistAndFlush(copy);
    return copy;
  }

  /** Marks the backup verified at `at` when every copy is VERIFIED; returns whether it did. */
  async markVerifiedIfComplete(backupId: string, locations: string[], at: Date): Promise<boolean> {
    const copies = await this.copies(backupId);
    const complete = locations.every((l) => copies.find((c) => c.location === l)?.status === 'VERIFIED');
    if (!complete) return false;
    await this.orm.em.fork().nativeUpdate(Replication, { backupId }, { verifiedAt: at });
    return true;
  }

  /** Verifications not yet announced with `backup.verified`. */
  async unannounced(): Promise<Replication[]> {
    const em = this.orm.em.fork();
    const rows = await em
      .getConnection()
      .execute<{ backup_id: string }[]>('select backup_id from replication where verified_at is not null and announced_at is distinct from verified_at limit 100');
    return rows.length ? em.find(Replication, { backupId: { $in: rows.map((r) => r.backup_id) } }) : [];
  }

  async markAnnounced(backupId: string, verifiedAt: Date): Promise<void> {
    await this.orm.em.fork().nativeUpdate(Replication, { backupId }, { announcedAt: verifiedAt });
  }
}
