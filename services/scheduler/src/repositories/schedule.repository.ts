/** Database access for schedules; each call uses its own unit of work. */
import type { MikroORM } from '@lifeboat/db';
import { Schedule } from './schedule.entity';

export class ScheduleRepository {
  constructor(private readonly orm: MikroORM) {}

  async list(): Promise<Schedule[]> {
    return this.orm.em.fork().find(Schedule, {}, { orderBy: { name: 'asc' } });
  }
}
