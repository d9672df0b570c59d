/** Database access for schedules; each call uses its own unit of work. */
import type { MikroORM } from '@lifeboat/db';
import { LifeboatError } from '@lifeboat/errors';
import { Schedule } from './schedule.entity';

export type ScheduleData = Pick<Schedule, 'name' | 'cron' | 'timezone' | 'backupType' | 'tenantIds' | 'allTenants' | 'enabled' | 'nextRunAt'>;

export class ScheduleRepository {
  constructor(private readonly orm: MikroORM) {}

  async list(): Promise<Schedule[]> {
    return this.orm.em.fork().find(Schedule, {}, { orderBy: { name: 'asc' } });
  }

  async get(id: string): Promise<Schedule | null> {
    return this.orm.em.fork().findOne(Schedule, { id });
  }

  async create(data: ScheduleData): Promise<Schedule> {
    const em = this.orm.em.fork();
    if (await em.findOne(Schedule, { name: data.name })) throw new LifeboatError('CONFLICT', `name: a schedule named "${data.name}" exists`);
    const schedule = em.create(Schedule, data);
    await em.persistAndFlush(schedule);
    return schedule;
  }

  async update(id: string, changes: Partial<ScheduleData>): Promise<Schedule> {
    const em = this.orm.em.fork();
    const schedule = await em.findOne(Schedule, { id });
    if (!schedule) throw new LifeboatError('NOT_FOUND', `no schedule ${id}`);
    if (changes.name && changes.name !== schedule.name && (await em.findOne(Schedule, { name: changes.name }))) {
      throw new LifeboatError('CONFLICT', `name: a schedule named "${changes.name}" exists`);
    }
    em.assign(schedule, changes);
    await em.flush();
    return schedule;
  }

  async remove(id: string): Promise<boolean> {
    return (await this.orm.em.fork().nativeDelete(Schedule, { id })) > 0;
  }
}
