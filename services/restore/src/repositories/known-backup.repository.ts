/** Database access for what the restore service knows of backups. */
import type { MikroORM } from '@lifeboat/db';
import { KnownBackup } from './known-backup.entity';
import { KnownWal } from './known-wal.entity';

export class KnownBackupRepository {
  constructor(private readonly orm: MikroORM) {}

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
