/**
 * `startRestore`: checks the request at once (the backup is known, the mode fits it, the tenants
 * are in it, the target is free or confirmed, the role allows it), records the restore and queues
 * it; the restore runs on a restore worker and reports on `restoreProgress`. Destructive restores
 * — replacing the protected database, or a tenant's rows (FULL tenant restore) — need an ADMIN
 * and `confirm` equal to the target database's name; a MERGE or a restore into a new database
 * needs an OPERATOR.
 */
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { LifeboatError } from '@lifeboat/errors';
import type { EventBus } from '@lifeboat/events';
import { roleAtLeast, type SubgraphContext } from '@lifeboat/graphql';
import { type DatabaseServer, checkDatabaseName } from '@lifeboat/pg-tools';
import { restoredDatabaseName } from '../domain/database-names';
import { checkTarget, recoverableWindow } from '../domain/recoverable-window';
import type { KnownBackup } from '../repositories/known-backup.entity';
import type { KnownBackupRepository } from '../repositories/known-backup.repository';
import type { RestoreLog } from '../repositories/restore-log.entity';
import type { RestoreLogRepository } from '../repositories/restore-log.repository';
import { RestoreInput } from '../schema/restore-input.type';
import { RestoreLogView } from '../schema/restore-log.type';
import { toView } from './restore-log.resolver';

export interface StartRestoreDeps {
  repo: RestoreLogRepository;
  known: KnownBackupRepository;
  server: DatabaseServer;
  bus: EventBus;
  protectedDatabase: string;
  defaultJobs: number;
}

@Resolver()
export class StartRestoreResolver {
  constructor(private readonly deps: StartRestoreDeps) {}

  @Authorized('OPERATOR')
  @Mutation(() => RestoreLogView, { description: 'Starts a restore (or a dry run); follow it with restore(id) or restoreProgress' })
  async startRestore(@Arg('input', () => RestoreInput) input: RestoreInput, @Ctx() ctx: SubgraphContext): Promise<RestoreLogView> {
    if (input.mode === 'PITR') return this.#enqueue(await this.#pointInTime(input, ctx));
    if (input.targetTime) throw new LifeboatError('BAD_USER_INPUT', 'targetTime: only for PITR restores');
    const jobs = input.jobs ?? this.deps.defaultJobs;
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 32) throw new LifeboatError('BAD_USER_INPUT', 'jobs: between 1 and 32');
    if (input.backupId && input.jobId) throw new LifeboatError('BAD_USER_INPUT', 'jobId: give a backupId or a jobId, not both');
    const backup = input.backupId ? await this.deps.known.get(input.backupId) : null;
    if (input.backupId && !backup) throw new LifeboatError('NOT_FOUND', `backupId: no backup ${input.backupId} is known to the restore service`);
    const log = input.jobId || backup?.type === 'TENANT_BACKUP' ? await this.#tenantRestore(input, backup, ctx, jobs) : await this.#databaseRestore(input, backup, ctx, jobs);
    return this.#enqueue(log);
  }

  async #enqueue(log: RestoreLog): Promise<RestoreLogView> {
    try {
      await this.deps.bus.enqueueJob('restore', { restoreId: log.id }, log.id);
    } catch (err) {
      await this.deps.repo.update(log.id, { status: 'FAILED', errorMessage: 'DEPENDENCY_UNAVAILABLE: the job queue did not accept the restore', completedAt: new Date() });
      throw new LifeboatError('DEPENDENCY_UNAVAILABLE', 'the job queue did not accept the restore; nothing was started', { cause: err });
    }
    return toView(log);
  }

  async #databaseRestore(input: RestoreInput, backup: KnownBackup | null, ctx: SubgraphContext, jobs: number): Promise<RestoreLog> {
    if (!backup) throw new LifeboatError('BAD_USER_INPUT', 'backupId: required');
    if (backup.type !== 'FULL_DATABASE') throw new LifeboatError('BAD_USER_INPUT', `backupId: a ${backup.type} backup cannot be restored this way`);
    if (input.mode !== 'FULL') throw new LifeboatError('BAD_USER_INPUT', 'mode: a full database backup is restored whole (FULL); MERGE is for tenant backups');
    if (input.tenantIds?.length) throw new LifeboatError('BAD_USER_INPUT', 'tenantIds: a full database backup is restored whole');
    const target = input.targetDatabase ?? restoredDatabaseName(this.deps.protectedDatabase, backup.id, backup.createdAt);
    checkDatabaseName(target);
    if (target === this.deps.protectedDatabase) this.#requireConfirmedAdmin(input, ctx, target, `replacing the protected database ${target}`);
    else if (!input.dryRun && (await this.deps.server.exists(target))) {
      throw new LifeboatError('CONFLICT', `targetDatabase: ${target} already exists`, { hint: 'name another database, or drop that one first' });
    }
    return this.deps.repo.create({ backupId: backup.id, initiatedBy: ctx.identity.email, restoreMode: 'FULL', tenantIds: null, targetDatabase: target, dryRun: input.dryRun ?? false, jobs });
  }

  /** From one tenant backup, or the latest backup of each chosen tenant of a job. */
  async #tenantRestore(input: RestoreInput, backup: KnownBackup | null, ctx: SubgraphContext, jobs: number): Promise<RestoreLog> {
    const { known, server } = this.deps;
    let candidates: KnownBackup[];
    if (input.jobId) {
      const all = await known.tenantBackupsOfJob(input.jobId);
      candidates = all.filter((b, i) => all.findIndex((o) => o.tenantId === b.tenantId) === i);
      if (candidates.length === 0) throw new LifeboatError('NOT_FOUND', `jobId: no tenant backup of job ${input.jobId} is known to the restore service`);
    } else {
      candidates = [backup!];
    }
    const chosen = input.tenantIds?.length ? [...new Set(input.tenantIds)] : candidates.map((b) => b.tenantId!);
    const missing = chosen.filter((t) => !candidates.some((b) => b.tenantId === t));
    if (missing.length) throw new LifeboatError('BAD_USER_INPUT', `tenantIds: not in the ${input.jobId ? 'job' : 'backup'}: ${missing.join(', ')}`);
    const target = input.targetDatabase ?? this.deps.protectedDatabase;
    checkDatabaseName(target);
    if (!(await server.exists(target))) throw new LifeboatError('NOT_FOUND', `targetDatabase: ${target} does not exist`);
    if (input.mode === 'FULL') this.#requireConfirmedAdmin(input, ctx, target, `replacing the rows of tenant(s) ${chosen.join(', ')} in ${target}`);
    const backups = chosen.map((t) => candidates.find((b) => b.tenantId === t)!);
    return this.deps.repo.create({
      backupId: backups.length === 1 ? backups[0].id : null,
      backupIds: backups.map((b) => b.id),
      initiatedBy: ctx.identity.email,
      restoreMode: input.mode,
      tenantIds: chosen,
      targetDatabase: target,
      dryRun: input.dryRun ?? false,
      jobs,
    });
  }

  /**
   * Point-in-time recovery into a new cluster (and, when named, a new database of the protected
   * cluster): the target must lie in the recoverable window, checked now.
   */
  async #pointInTime(input: RestoreInput, ctx: SubgraphContext): Promise<RestoreLog> {
    if (!input.targetTime) throw new LifeboatError('BAD_USER_INPUT', 'targetTime: required for a PITR restore');
    if (input.backupId || input.jobId || input.tenantIds?.length) throw new LifeboatError('BAD_USER_INPUT', 'backupId: a PITR restore chooses its base backup itself');
    if (input.dryRun) throw new LifeboatError('BAD_USER_INPUT', 'dryRun: not available for PITR restores (check recoverableWindow instead)');
    checkTarget(input.targetTime, await recoverableWindow(this.deps.known));
    if (input.targetDatabase) {
      checkDatabaseName(input.targetDatabase);
      if (input.targetDatabase === this.deps.protectedDatabase) {
        throw new LifeboatError('BAD_USER_INPUT', 'targetDatabase: a point-in-time recovery goes into a new database; restore it over the protected one with a FULL restore of a backup');
      }
      if (await this.deps.server.exists(input.targetDatabase)) throw new LifeboatError('CONFLICT', `targetDatabase: ${input.targetDatabase} already exists`);
    }
    return this.deps.repo.create({
      backupId: null,
      initiatedBy: ctx.identity.email,
      restoreMode: 'PITR',
      tenantIds: null,
      targetTimestamp: input.targetTime,
      targetDatabase: input.targetDatabase ?? null,
      jobs: input.jobs ?? this.deps.defaultJobs,
    });
  }

  /** Destructive restores: an ADMIN, who typed the target database's name. */
  #requireConfirmedAdmin(input: RestoreInput, ctx: SubgraphContext, target: string, what: string): void {
    if (!roleAtLeast(ctx.identity.role, 'ADMIN')) throw new LifeboatError('FORBIDDEN', `${what} needs the ADMIN role`);
    if (input.confirm !== target) throw new LifeboatError('BAD_USER_INPUT', `confirm: ${what} is destructive; set confirm to "${target}" to go ahead`);
  }
}
