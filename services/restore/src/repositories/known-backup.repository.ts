/** Database access for what the restore service knows of backups. */
import type { EntityManager, MikroORM } from '@lifeboat/db';
import { KnownBackup } from './known-backup.entity';
import { KnownWal } from './known-wal.entity';

export class KnownBackupRepository {
  constructor(private readonly orm: MikroORM) {}

  /**
   * Records a backup announced by `backup.created`; one already known stays as it is. SQL rather
   * than the query builder: a tenant job announces thousands.
   */
  async recordCreated(em: EntityManager, b: Omit<KnownBackup, 'verifiedAt'>): Promise<void> {
    await em.execute(
      `insert into known_backup (id, type, tenant_id, job_id, key, checksum, size_bytes, key_id, created_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing`,
      [b.id, b.type, b.tenantId, b.jobId, b.key, b.checksum, b.sizeBytes, b.keyId, b.createdAt],
      'run',
    );
  }

  /** Records a verification announced by `backup.verified`, unless a later one is recorded. */
  async recordVerified(em: EntityManager, id: string, at: Date): Promise<void> {
    await em.execute('update known_backup set verified_at = ? where id = ? and (verified_at is null or verified_at < ?)', [at, id, at], 'run');
  }

  async get(id: string): Promise<KnownBackup | null> {
    return this.orm.em.fork().findOne(KnownBackup, { id });
  }

  async getMany(ids: string[]): Promise<KnownBackup[]> {
    return this.orm.em.fork().find(KnownBackup, { id: { $in: ids } });
  }

  /** The newest base backup made before `before`, if any. */
  async baseBackupBefore(before: Date): Promise<KnownBackup | null> {
    return this.orm.em.fork().findOne(KnownBackup, { type: 'BASE_BACKUP', createdAt: { $lt: before } }, { orderBy: { createdAt: 'desc' } });
  }

  async oldestBaseBackup(): Promise<KnownBackup | null> {
    return this.orm.em.fork().findOne(KnownBackup, { type: 'BASE_BACKUP' }, { orderBy: { createdAt: 'asc' } });
  }

  /** The last WAL file archived, if any. */
  async latestWal(): Promise<KnownWal | null> {
    const [latest] = await this.orm.em.fork().find(KnownWal, {}, { orderBy: { spooledAt: 'desc' }, limit: 1 });
    return latest ?? null;
  }

  /** The tenant backups a job made, newest first per tenant. */
  async tenantBackupsOfJob(jobId: string): Promise<KnownBackup[]> {
    return this.orm.em.fork().find(KnownBackup, { jobId, type: 'TENANT_BACKUP' }, { orderBy: { createdAt: 'desc' } });
  }
}
