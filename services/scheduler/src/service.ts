/** The scheduler: backup schedules and the jobs they start, fired once across replicas. */
import type { ServiceContext, ServiceDefinition } from '@lifeboat/service-host';
import { tenancySettingsOf } from '@lifeboat/tenancy';
import { schedulerOptions } from './config';
import { checkTimezone } from './domain/cron';
import { seedDefaultSchedules } from './domain/default-schedules';
import { TenantCheck } from './domain/tenant-check';
import { consumeJobStatus } from './events/job-status.consumer';
import { JobDispatcher } from './jobs/job-dispatcher';
import { ScheduleFirer } from './jobs/schedule-firer';
import { startSchedulerLoop } from './jobs/scheduler-loop';
import { migrations } from './migrations';
import { BackupJob } from './repositories/backup-job.entity';
import { BackupJobRepository } from './repositories/backup-job.repository';
import { Lease } from './repositories/lease.entity';
import { LeaseRepository } from './repositories/lease.repository';
import { Schedule } from './repositories/schedule.entity';
import { ScheduleRepository } from './repositories/schedule.repository';
import { SeededDefault } from './repositories/seeded-default.entity';
import { BackupJobResolver, toJobView } from './resolvers/backup-job.resolver';
import { ScheduleResolver } from './resolvers/schedule.resolver';

type Ctx = ServiceContext<typeof schedulerOptions>;

interface Parts {
  jobs: BackupJobRepository;
  dispatcher: JobDispatcher;
  tenants: TenantCheck;
}

function setup(ctx: Ctx): Parts {
  checkTimezone('LIFEBOAT_SCHEDULE_TIMEZONE', ctx.config.LIFEBOAT_SCHEDULE_TIMEZONE);
  return {
    jobs: new BackupJobRepository(ctx.orm),
    dispatcher: new JobDispatcher(ctx.orm, ctx.bus, ctx.logger),
    tenants: new TenantCheck(ctx.config.LIFEBOAT_SOURCE_DATABASE_URL, tenancySettingsOf(ctx.config)),
  };
}

export const scheduler: ServiceDefinition<typeof schedulerOptions, Parts> = {
  name: 'scheduler',
  schema: 'scheduler',
  defaultPort: 4001,
  options: schedulerOptions,
  entities: [Schedule, BackupJob, Lease, SeededDefault],
  migrations,
  subgraph: { resolvers: [ScheduleResolver, BackupJobResolver] },
  setup,
  resolvers: (ctx, { jobs, dispatcher, tenants }) => [
    new ScheduleResolver({ repo: new ScheduleRepository(ctx.orm), jobs, tenants, dispatcher, defaultTimezone: ctx.config.LIFEBOAT_SCHEDULE_TIMEZONE }),
    new BackupJobResolver(jobs, dispatcher, tenants),
  ],
  references: (_ctx, { jobs }) => {
    const resolve = async (ref: { id: string }) => {
      const job = await jobs.get(ref.id);
      return job ? toJobView(job) : null;
    };
    return { BackupJob: { __resolveReference: resolve } };
  },
  start: async (ctx, { dispatcher }) => {
    const created = await seedDefaultSchedules(ctx.orm, ctx.config.LIFEBOAT_SCHEDULE_TIMEZONE);
    if (created.length) ctx.logger.info({ created }, 'created the default schedules');
    return [
      ...(await consumeJobStatus(ctx.bus, ctx.inbox)),
      startSchedulerLoop({
        leases: new LeaseRepository(ctx.orm),
        firer: new ScheduleFirer(ctx.orm, ctx.instance, ctx.config.LIFEBOAT_SCHEDULER_GRACE_SECONDS * 1000, ctx.logger),
        dispatcher,
        instance: ctx.instance,
        logger: ctx.logger,
        tickMs: ctx.config.LIFEBOAT_SCHEDULER_TICK_MS,
        leaseMs: ctx.config.LIFEBOAT_SCHEDULER_LEASE_SECONDS * 1000,
      }),
    ];
  },
};
