/** Starting backups on demand, and the job history. */
import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { LifeboatError } from '@lifeboat/errors';
import type { EventBus } from '@lifeboat/events';
import type { SubgraphContext } from '@lifeboat/graphql';
import type { BackupJob } from '../repositories/backup-job.entity';
import type { BackupJobRepository } from '../repositories/backup-job.repository';
import { BackupJobView, TriggerBackupInput } from '../schema/backup-job.type';
import type { TenantCheck } from '../domain/tenant-check';

/** Backup types the executors run today. */
const RUNNABLE = new Set(['FULL_DATABASE', 'TENANT_BACKUP']);

export function toJobView(job: BackupJob): BackupJobView {
  const durationSeconds = job.startedAt && job.finishedAt ? (job.finishedAt.getTime() - job.startedAt.getTime()) / 1000 : null;
  return { ...job, durationSeconds };
}

@Resolver(() => BackupJobView)
export class BackupJobResolver {
  constructor(
    private readonly jobs: BackupJobRepository,
    private readonly bus: EventBus,
    private readonly tenants: TenantCheck,
  ) {}

  @Authorized('OPERATOR')
  @Mutation(() => BackupJobView, { description: 'Starts a backup job now; its backups appear on the job as they are made' })
  async triggerBackup(@Arg('input', () => TriggerBackupInput) input: TriggerBackupInput, @Ctx() ctx: SubgraphContext): Promise<BackupJobView> {
    if (!RUNNABLE.has(input.type)) throw new LifeboatError('BAD_USER_INPUT', `type: ${input.type} backups cannot be triggered yet`);
    if (input.runAt) throw new LifeboatError('BAD_USER_INPUT', 'runAt: scheduling a one-off backup for later is not available yet');
    const tenantIds = await this.#tenantsOf(input);
    const job = await this.jobs.create({
      type: input.type,
      tenantIds,
      requestedBy: ctx.identity.email,
      scheduleId: null,
      runAt: null,
      status: 'QUEUED',
      queuedAt: new Date(),
    });
    try {
      await this.bus.enqueueJob('backup', { jobId: job.id, type: job.type, tenantIds, requestedBy: job.requestedBy, scheduleId: null }, job.id);
    } catch (err) {
      await this.jobs.remove(job.id);
      throw new LifeboatError('DEPENDENCY_UNAVAILABLE', 'the job queue did not accept the job; nothing was started', { cause: err });
    }
    return toJobView(job);
  }

  /** The tenants of a request: a list (checked to exist), or null for every active tenant. */
  async #tenantsOf(input: TriggerBackupInput): Promise<string[] | null> {
    const named = input.tenantIds ?? [];
    if (input.type !== 'TENANT_BACKUP') {
      if (named.length || input.allTenants) throw new LifeboatError('BAD_USER_INPUT', `tenantIds: a ${input.type} backup is not per tenant`);
      return null;
    }
    if (input.allTenants && named.length) throw new LifeboatError('BAD_USER_INPUT', 'tenantIds: give tenantIds or allTenants, not both');
    if (input.allTenants) return null;
    if (named.length === 0) throw new LifeboatError('BAD_USER_INPUT', 'tenantIds: a TENANT_BACKUP needs tenantIds or allTenants: true');
    const unique = [...new Set(named)];
    await this.tenants.requireExisting('tenantIds', unique);
    return unique;
  }

  @Authorized()
  @Query(() => BackupJobView, { nullable: true })
  async backupJob(@Arg('id', () => ID) id: string): Promise<BackupJobView | null> {
    const job = await this.jobs.get(id);
    return job ? toJobView(job) : null;
  }

  @Authorized()
  @Query(() => [BackupJobView], { description: 'Jobs, newest first' })
  async backupJobs(
    @Arg('limit', () => Int, { defaultValue: 50 }) limit: number,
    @Arg('offset', () => Int, { defaultValue: 0 }) offset: number,
  ): Promise<BackupJobView[]> {
    if (limit < 1 || limit > 500) throw new LifeboatError('BAD_USER_INPUT', 'limit must be between 1 and 500');
    if (offset < 0) throw new LifeboatError('BAD_USER_INPUT', 'offset must not be negative');
    return (await this.jobs.list(limit, offset)).map(toJobView);
  }
}
