/** Queries over schedules. */
import { Authorized, Query, Resolver } from 'type-graphql';
import type { ScheduleRepository } from '../repositories/schedule.repository';
import { ScheduleView } from '../schema/schedule.type';

@Resolver(() => ScheduleView)
export class ScheduleResolver {
  constructor(private readonly repo: ScheduleRepository) {}

  @Authorized()
  @Query(() => [ScheduleView], { description: 'Backup schedules, by name' })
  async schedules(): Promise<ScheduleView[]> {
    return (await this.repo.list()).map((s) => ({ ...s, type: s.backupType }));
  }
}
