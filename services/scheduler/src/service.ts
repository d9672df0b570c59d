/** The scheduler: backup schedules and the jobs they start. */
import type { ServiceDefinition } from '@lifeboat/service-host';
import { schedulerOptions } from './config';
import { tenancySettingsOf } from '@lifeboat/tenancy';
import { TenantCheck } from './domain/tenant-check';
import { consumeJobStatus } from './events/job-status.consumer';
import { migrations } from './migrations';
import { BackupJob } from './repositories/backup-job.entity';
import { BackupJobRepository } from './repositories/backup-job.repository';
import { Schedule } from './repositories/schedule.entity';
import { ScheduleRepository } from './repositories/schedule.repository';
import { BackupJobResolver, toJobView } from './resolvers/backup-job.resolver';
import { ScheduleResolver } from './resolvers/schedule.resolver';

export const scheduler: ServiceDefinition<typeof schedulerOptions> = {
  name: 'scheduler',
  schema: 'scheduler',
  defaultPort: 4001,
  options: schedulerOptions,
  entities: [Schedule, BackupJob],
  migrations,
  subgraph: { resolvers: [ScheduleResolver, BackupJobResolver] },
  resolvers: ({ orm, bus, config }) => [
    new ScheduleResolver(new ScheduleRepository(orm)),
    new BackupJobResolver(new BackupJobRepository(orm), bus, new TenantCheck(config.LIFEBOAT_SOURCE_DATABASE_URL, tenancySettingsOf(config))),
  ],
  references: ({ orm }) => {
    const jobs = new BackupJobRepository(orm);
    const resolve = async (ref: { id: string }) => {
      const job = await jobs.get(ref.id);
      return job ? toJobView(job) : null;
    };
    return { BackupJob: { __resolveReference: resolve } };
  },
  start: async ({ bus, inbox }) => consumeJobStatus(bus, inbox),
};
