/** The scheduler: backup schedules and the jobs they start. */
import type { ServiceDefinition } from '@lifeboat/service-host';
import { schedulerOptions } from './config';
import { migrations } from './migrations';
import { Schedule } from './repositories/schedule.entity';
import { ScheduleRepository } from './repositories/schedule.repository';
import { ScheduleResolver } from './resolvers/schedule.resolver';

export const scheduler: ServiceDefinition<typeof schedulerOptions> = {
  name: 'scheduler',
  schema: 'scheduler',
  defaultPort: 4001,
  options: schedulerOptions,
  entities: [Schedule],
  migrations,
  subgraph: { resolvers: [ScheduleResolver] },
  resolvers: ({ orm }) => [new ScheduleResolver(new ScheduleRepository(orm))],
};
