/** Database access for restore logs; each call uses its own unit of work. */
import type { RequiredEntityData } from '@mikro-orm/core';
import type { MikroORM } from '@lifeboat/db';
import { RestoreLog } from './restore-log.entity';

export type RestoreChanges = Partial<Omit<RestoreLog, 'id' | 'createdAt'>>;

export class RestoreLogRepository {
  constructor(private readonly orm: MikroORM) {}

  async list(limit: number, offset: number): Promise<RestoreLog[]> {
    return this.orm.em.fork().find(RestoreLog, {}, { orderBy: { createdAt: 'desc', id: 'asc' }, limit, offset });
  }

  async get(id: string): Promise<RestoreLog | null> {
    return this.orm.em.fork().findOne(RestoreLog, { id });
  }

  async create(data: RequiredEntityData<RestoreLog>): Promise<RestoreLog> {
    const em = this.orm.em.fork();
    const log = em.create(RestoreLog, data);
    await em.persistAndFlush(log);
    return log;
  }

  async update(id: string, changes: RestoreChanges): Promise<void> {
    await this.orm.em.fork().nativeUpdate(RestoreLog, { id }, changes);
  }

  /** Restores now RUNNING. */
  async running(): Promise<RestoreLog[]> {
    return this.orm.em.fork().find(RestoreLog, { status: 'RUNNING' });
  }
}
