/** Database access for Backup records; each call uses its own unit of work. */
import type { FilterQuery, RequiredEntityData } from '@mikro-orm/core';
import { type EntityManager, type MikroORM, insertRow, updateRow } from '@lifeboat/db';
import type { BackupStatus, BackupType } from '@lifeboat/vocabulary';
import { Backup } from './backup.entity';

export interface BackupFilter {
  type?: BackupType;
  status?: BackupStatus;
  tenantId?: string;
  limit: number;
  offset: number;
}

export type BackupChanges = Partial<Omit<Backup, 'id' | 'type' | 'createdAt'>>;

export class BackupRepository {
  constructor(private readonly orm: MikroORM) {}

  async list(filter: BackupFilter): Promise<Backup[]> {
    const where: FilterQuery<Backup> = {};
    if (filter.type) where.type = filter.type;
    if (filter.status) where.status = filter.status;
    if (filter.tenantId) where.tenantId = filter.tenantId;
    return this.orm.em.fork().find(Backup, where, { orderBy: { createdAt: 'desc', id: 'asc' }, limit: filter.limit, offset: filter.offset });
  }

  async get(id: string): Promise<Backup | null> {
    return this.orm.em.fork().findOne(Backup, { id });
  }

  async forJob(jobId: string): Promise<Backup[]> {
    return this.orm.em.fork().find(Backup, { jobId }, { orderBy: { createdAt: 'asc' } });
  }

  async forJobs(jobIds: string[]): Promise<Backup[]> {
    return this.orm.em.fork().find(Backup, { jobId: { $in: jobIds } }, { orderBy: { createdAt: 'asc' } });
  }

  async create(data: RequiredEntityData<Backup>): Promise<Backup> {
    const em = this.orm.em.fork();
    const backup = em.create(Backup, data);
    // One INSERT, without a transaction of its own around it: a tenant job makes thousands.
    await insertRow(em, Backup, backup);
    return backup;
  }

  async update(id: string, changes: BackupChanges): Promise<void> {
    await updateRow(this.orm.em.fork(), Backup, id, changes);
  }

  /**
   * Records a verification (from `backup.verified`): only on a backup that completed, and only a
   * later one than the verification recorded.
   */
  async markVerified(em: EntityManager, id: string, at: Date): Promise<void> {
    await em.execute(
      `update backup set status = 'VERIFIED', verified_at = ? where id = ? and status in ('COMPLETED', 'VERIFIED') and (verified_at is null or verified_at < ?)`,
      [at, id, at],
      'run',
    );
  }

  /** The latest completed (or verified) tenant backup of each tenant named. */
  async latestTenantBackups(tenantIds: string[]): Promise<Map<string, Backup>> {
    if (tenantIds.length === 0) return new Map();
    const em = this.orm.em.fork();
    const rows = await em.getConnection().execute<{ id: string }[]>(
      `select distinct on (tenant_id) id from backup where type = 'TENANT_BACKUP' and status in ('COMPLETED', 'VERIFIED')
          and tenant_id in (${tenantIds.map(() => '?').join(', ')}) order by tenant_id, created_at desc`,
      tenantIds,
    );
    const backups = rows.length ? await em.find(Backup, { id: { $in: rows.map((r) => r.id) } }) : [];
    return new Map(backups.map((b) => [b.tenantId!, b]));
  }

  async inProgress(): Promise<Backup[]> {
    return this.orm.em.fork().find(Backup, { status: 'IN_PROGRESS' });
  }

  /** The oldest base backup still kept (completed or verified) of each cluster, by system identifier. */
  async oldestBaseBackups(): Promise<Backup[]> {
    const em = this.orm.em.fork();
    const rows = await em.getConnection().execute<{ id: string }[]>(
      `select distinct on (system_id) id from backup where type = 'BASE_BACKUP' and status in ('COMPLETED', 'VERIFIED')
          and system_id is not null and wal_start is not null order by system_id, created_at asc`,
    );
    return rows.length ? em.find(Backup, { id: { $in: rows.map((r) => r.id) } }) : [];
  }
}
