/** Database access for alerts; each call uses its own unit of work. */
import type { FilterQuery } from '@mikro-orm/core';
import type { MikroORM } from '@lifeboat/db';
import { Alert } from './alert.entity';

export class AlertRepository {
  constructor(private readonly orm: MikroORM) {}

  async list(status: string | undefined, limit: number, offset: number): Promise<Alert[]> {
    const where: FilterQuery<Alert> = status ? { status } : {};
    return this.orm.em.fork().find(Alert, where, { orderBy: { createdAt: 'desc', id: 'asc' }, limit, offset });
  }
}
