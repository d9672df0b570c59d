/** Starting backups on demand, and the job history. */
import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { LifeboatError } from '@lifeboat/errors';
import type { SubgraphContext } from '@lifeboat/graphql';
import type { BackupJob } from '../repositories/backup-job.entity';
import type { BackupJobRepository } from '../repositories/backup-job.repository';
import { BackupJobView, TriggerBackupInput } from '../schema/backup-job.type';
import { tenantsOf } from '../domain/job-request';
import type { TenantCheck } from '../domain/tenant-check';
import type { JobDispatcher } from '../jobs/job-dispatcher';

/** How far ahead a one-off job may be set. */
const MAX_AHEAD_MS = 366 * 86_400_000;


export function toJobView(job: BackupJob): BackupJobView {
  const durationSeconds = job.startedAt && job.finishedAt ? (job.finishedAt.getTime() - job.startedAt.getTime()) / 1000 : null;
  return { ...job, durationSeconds };
}

@Resolver(() => BackupJobView)
export class BackupJobResolver {
  constructor(
    private readonly jobs: BackupJobRepository,
    private readonly dispatcher: JobDispatcher,
    private readonly tenants: TenantCheck,
  ) {}

  @Authorized('OPERATOR')
  @Mutation(() => BackupJobView, { description: 'Starts a backup job now, or at runAt; its backups appear on the job as they are made' })
  async triggerBackup(@Arg('input', () => TriggerBackupInput) input: TriggerBackupInput, @Ctx() ctx: SubgraphContext): Promise<BackupJobView> {
    const now = new Date();
    if (input.runAt && input.runAt.getTime() <= now.getTime()) throw new LifeboatError('BAD_USER_INPUT', `runAt: ${input.runAt.toISOString()} is in the past`);
    if (input.runAt && input.runAt.getTime() > now.getTime() + MAX_AHEAD_MS) throw new LifeboatError('BAD_USER_INPUT', 'runAt: at most a year ahead');
    const tenantIds = await tenantsOf(input.type, input, this.tenants);
    const job = await this.jobs.create({
      type: input.type,
      tenantIds,
      requestedBy: ctx.identity.email,
      scheduleId: null,
      runAt: input.runAt ?? null,
      status: input.runAt ? 'SCHEDULED' : 'QUEUED',
      queuedAt: input.runAt ? null : now,
    });
    // Recorded first: if the queue refuses it now, the dispatcher sends it later.
    if (!input.runAt) await this.dispatcher.dispatch();
    return toJobView((await this.jobs.get(job.id)) ?? job);
  }

  @Authorized()
  @Query(() => BackupJobView, { nullable: true })
  async backupJob(@Arg('id', () => ID) id: string): Promise<BackupJobView | null> {
    const job = await this.jobs.get(id);
    return job ? toJobView(job) : null;
  }

  @Authorized()
  @Query(() => [BackupJobView], { description: 'Job history, newest first: every job with its schedule (if any), who started it, status and duration' })
  async backupJobs(
    @Arg('scheduleId', () => ID, { nullable: true }) scheduleId: string | undefined,
    @Arg('limit', () => Int, { defaultValue: 50 }) limit: number,
    @Arg('offset', () => Int, { defaultValue: 0 }) offset: number,
  ): Promise<BackupJobView[]> {
    if (limit < 1 || limit > 500) throw new LifeboatError('BAD_USER_INPUT', 'limit must be between 1 and 500');
    if (offset < 0) throw new LifeboatError('BAD_USER_INPUT', 'offset must not be negative');
    return (await this.jobs.list(limit, offset, scheduleId)).map(toJobView);
  }
}
