/** Database access for incidents; each call uses its own unit of work. */
import type { MikroORM } from '@lifeboat/db';
import { Incident } from './incident.entity';

export class IncidentRepository {
  constructor(private readonly orm: MikroORM) {}

  async list(limit: number, offset: number): Promise<Incident[]> {
    return this.orm.em.fork().find(Incident, {}, { orderBy: { declaredAt: 'desc', id: 'asc' }, limit, offset });
  }

  async get(id: string): Promise<Incident | null> {
    return this.orm.em.fork().findOne(Incident, { id });
  }
}
