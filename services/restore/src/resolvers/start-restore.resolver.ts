/**
 * `startRestore`: checks the request at once (the backup is known, the mode fits it, the target
 * is free or confirmed, the role allows it), records the restore and queues it; the restore runs
 * on a restore worker and reports on `restoreProgress`. Replacing the protected database needs an
 * ADMIN and `confirm` equal to its name; anything else writes only to a new database.
 */
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { LifeboatError } from '@lifeboat/errors';
import type { EventBus } from '@lifeboat/events';
import { roleAtLeast, type SubgraphContext } from '@lifeboat/graphql';
import { type DatabaseServer, checkDatabaseName } from '@lifeboat/pg-tools';
import { restoredDatabaseName } from '../domain/database-names';
import type { KnownBackupRepository } from '../repositories/known-backup.repository';
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
    const { repo, known, server, bus } = this.deps;
    if (input.mode !== 'FULL') throw new LifeboatError('BAD_USER_INPUT', `mode: ${input.mode} restores are not available yet`);
    if (!input.backupId) throw new LifeboatError('BAD_USER_INPUT', 'backupId: required for a FULL restore');
    if (input.targetTime) throw new LifeboatError('BAD_USER_INPUT', 'targetTime: only for PITR restores');
    const backup = await known.get(input.backupId);
    if (!backup) throw new LifeboatError('NOT_FOUND', `backupId: no backup ${input.backupId} is known to the restore service`);
    if (backup.type !== 'FULL_DATABASE') throw new LifeboatError('BAD_USER_INPUT', `backupId: a FULL restore needs a FULL_DATABASE backup, this one is ${backup.type}`);
    if (input.tenantIds?.length) throw new LifeboatError('BAD_USER_INPUT', 'tenantIds: a full database backup is restored whole');
    const jobs = input.jobs ?? this.deps.defaultJobs;
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 32) throw new LifeboatError('BAD_USER_INPUT', 'jobs: between 1 and 32');

    const target = input.targetDatabase ?? restoredDatabaseName(this.deps.protectedDatabase, backup.id, backup.createdAt);
    checkDatabaseName(target);
    if (target === this.deps.protectedDatabase) {
      if (!roleAtLeast(ctx.identity.role, 'ADMIN')) {
        throw new LifeboatError('FORBIDDEN', `replacing the protected database ${target} needs the ADMIN role`);
      }
      if (input.confirm !== target) {
        throw new LifeboatError('BAD_USER_INPUT', `confirm: replacing the protected database is destructive; set confirm to "${target}" to go ahead`);
      }
    } else if (!input.dryRun && (await server.exists(target))) {
      throw new LifeboatError('CONFLICT', `targetDatabase: ${target} already exists`, { hint: 'name another database, or drop that one first' });
    }

    const log = await repo.create({
      backupId: backup.id,
      initiatedBy: ctx.identity.email,
      restoreMode: 'FULL',
      tenantIds: null,
      targetDatabase: target,
      dryRun: input.dryRun ?? false,
      jobs,
    });
    try {
      await bus.enqueueJob('restore', { restoreId: log.id }, log.id);
    } catch (err) {
      await repo.update(log.id, { status: 'FAILED', errorMessage: 'DEPENDENCY_UNAVAILABLE: the job queue did not accept the restore', completedAt: new Date() });
      throw new LifeboatError('DEPENDENCY_UNAVAILABLE', 'the job queue did not accept the restore; nothing was started', { cause: err });
    }
    return toView(log);
  }
}
