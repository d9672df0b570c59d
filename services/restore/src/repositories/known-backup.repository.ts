/** Database access for what the restore service knows of backups. */
import type { MikroORM } from '@lifeboat/db';
import { KnownBackup } from './known-backup.entity';

export class KnownBackupRepository {
  constructor(private readonly orm: MikroORM) {}

  async get(id: string): Promise<KnownBackup | null> {
    return this.orm.em.fork().findOne(KnownBackup, { id });
  }

  async getMany(ids: string[]): Promise<KnownBackup[]> {
    return this.orm.em.fork().find(KnownBackup, { id: { $in: ids } });
  }

  /** The tenant backups a job made, newest first per tenant. */
  async tenantBackupsOfJob(jobId: string): Promise<KnownBackup[]> {
    return this.orm.em.fork().find(KnownBackup, { jobId, type: 'TENANT_BACKUP' }, { orderBy: { createdAt: 'desc' } });
  }
}
