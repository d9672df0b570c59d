/** Database access for restore logs; each call uses its own unit of work. */
import type { MikroORM } from '@lifeboat/db';
import { RestoreLog } from './restore-log.entity';

export class RestoreLogRepository {
  constructor(private readonly orm: MikroORM) {}

  async list(limit: number, offset: number): Promise<RestoreLog[]> {
    return this.orm.em.fork().find(RestoreLog, {}, { orderBy: { createdAt: 'desc', id: 'asc' }, limit, offset });
  }

  async get(id: string): Promise<RestoreLog | null> {
    return this.orm.em.fork().findOne(RestoreLog, { id });
  }
}
