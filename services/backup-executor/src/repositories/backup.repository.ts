/** Database access for Backup records; each call uses its own unit of work. */
import type { FilterQuery } from '@mikro-orm/core';
import type { MikroORM } from '@lifeboat/db';
import type { BackupStatus, BackupType } from '@lifeboat/vocabulary';
import { Backup } from './backup.entity';

export interface BackupFilter {
  type?: BackupType;
  status?: BackupStatus;
  tenantId?: string;
  limit: number;
  offset: number;
}

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
}
