/**
 * Schedules: list (anyone), change (ADMIN), run now (OPERATOR). Every change is validated whole
 * before anything is saved: a bad cron, timezone or tenant is BAD_USER_INPUT naming the field.
 */
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { LifeboatError } from '@lifeboat/errors';
import type { SubgraphContext } from '@lifeboat/graphql';
import { checkSchedule, nextOccurrence } from '../domain/cron';
import { type TenantCheck } from '../domain/tenant-check';
import { tenantsOf } from '../domain/job-request';
import type { JobDispatcher } from '../jobs/job-dispatcher';
import type { BackupJobRepository } from '../repositories/backup-job.repository';
import type { Schedule } from '../repositories/schedule.entity';
import type { ScheduleData, ScheduleRepository } from '../repositories/schedule.repository';
import { BackupJobView } from '../schema/backup-job.type';
import { ScheduleInput } from '../schema/schedule-input.type';
import { ScheduleView } from '../schema/schedule.type';
import { toJobView } from './backup-job.resolver';

export interface ScheduleResolverDeps {
  repo: ScheduleRepository;
  jobs: BackupJobRepository;
  tenants: TenantCheck;
  dispatcher: JobDispatcher;
  defaultTimezone: string;
}

function toView(s: Schedule): ScheduleView {
  return { ...s, type: s.backupType };
}

@Resolver(() => ScheduleView)
export class ScheduleResolver {
  constructor(private readonly deps: ScheduleResolverDeps) {}

  @Authorized()
  @Query(() => [ScheduleView], { description: 'Backup schedules, by name' })
  async schedules(): Promise<ScheduleView[]> {
    return (await this.deps.repo.list()).map(toView);
  }

  @Authorized('ADMIN')
  @Mutation(() => ScheduleView)
  async createSchedule(@Arg('input', () => ScheduleInput) input: ScheduleInput): Promise<ScheduleView> {
    return toView(await this.deps.repo.create(await this.#validate(input)));
  }

  @Authorized('ADMIN')
  @Mutation(() => ScheduleView)
  async updateSchedule(@Arg('id', () => ID) id: string, @Arg('input', () => ScheduleInput) input: ScheduleInput): Promise<ScheduleView> {
    if (!(await this.deps.repo.get(id))) throw new LifeboatError('NOT_FOUND', `id: no schedule ${id}`);
    return toView(await this.deps.repo.update(id, await this.#validate(input)));
  }

  @Authorized('ADMIN')
  @Mutation(() => Boolean, { description: 'Deletes a schedule; its past jobs stay in the history' })
  async deleteSchedule(@Arg('id', () => ID) id: string): Promise<boolean> {
    if (!(await this.deps.repo.remove(id))) throw new LifeboatError('NOT_FOUND', `id: no schedule ${id}`);
    return true;
  }

  @Authorized('ADMIN')
  @Mutation(() => ScheduleView)
  async pauseSchedule(@Arg('id', () => ID) id: string): Promise<ScheduleView> {
    return toView(await this.deps.repo.update(id, { enabled: false, nextRunAt: null }));
  }

  @Authorized('ADMIN')
  @Mutation(() => ScheduleView, { description: 'Enables a schedule again; it next runs at its next occurrence from now (what it missed meanwhile is not run)' })
  async resumeSchedule(@Arg('id', () => ID) id: string): Promise<ScheduleView> {
    const schedule = await this.deps.repo.get(id);
    if (!schedule) throw new LifeboatError('NOT_FOUND', `id: no schedule ${id}`);
    return toView(await this.deps.repo.update(id, { enabled: true, nextRunAt: nextOccurrence(schedule.cron, schedule.timezone, new Date()) }));
  }

  @Authorized('OPERATOR')
  @Mutation(() => BackupJobView, { description: "Runs a schedule's backup now, outside its timetable" })
  async runScheduleNow(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<BackupJobView> {
    const schedule = await this.deps.repo.get(id);
    if (!schedule) throw new LifeboatError('NOT_FOUND', `id: no schedule ${id}`);
    const job = await this.deps.jobs.create({
      type: schedule.backupType,
      tenantIds: schedule.allTenants ? null : schedule.tenantIds,
      requestedBy: `${ctx.identity.email} (schedule:${schedule.name})`,
      scheduleId: schedule.id,
      runAt: null,
      status: 'QUEUED',
      queuedAt: new Date(),
    });
    await this.deps.dispatcher.dispatch();
    return toJobView((await this.deps.jobs.get(job.id)) ?? job);
  }

  async #validate(input: ScheduleInput): Promise<ScheduleData> {
    const name = input.name.trim();
    if (!name || name.length > 200) throw new LifeboatError('BAD_USER_INPUT', 'name: 1 to 200 characters');
    const timezone = input.timezone ?? this.deps.defaultTimezone;
    checkSchedule(input.cron, timezone);
    const tenantIds = await tenantsOf(input.type, input, this.deps.tenants);
    const enabled = input.enabled ?? true;
    return {
      name,
      cron: input.cron.trim(),
      timezone,
      backupType: input.type,
      tenantIds,
      allTenants: input.type === 'TENANT_BACKUP' && tenantIds === null,
      enabled,
      nextRunAt: enabled ? nextOccurrence(input.cron, timezone, new Date()) : null,
    };
  }
}
