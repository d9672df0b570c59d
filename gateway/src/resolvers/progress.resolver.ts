/** Live progress subscriptions, fed from the services' progress messages on NATS. */
import { Arg, Authorized, ID, Root, Subscription, Resolver } from 'type-graphql';
import { LifeboatError } from '@lifeboat/errors';
import type { SubscriptionContext } from '../context';
import { BackupProgressView } from '../schema/backup-progress.type';
import { RestoreProgressView } from '../schema/restore-progress.type';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Resolver()
export class ProgressResolver {
  @Authorized()
  @Subscription(() => BackupProgressView, {
    description: 'Progress of one backup, or of every backup of a job, at least once a second while it runs',
    subscribe: ({ args, context }) => {
      const { backupId, jobId } = args as { backupId?: string | null; jobId?: string | null };
      if (!backupId && !jobId) throw new LifeboatError('BAD_USER_INPUT', 'give backupId or jobId');
      for (const [name, value] of Object.entries({ backupId, jobId })) {
        if (value && !UUID.test(value)) throw new LifeboatError('BAD_USER_INPUT', `${name} must be a UUID`);
      }
      return (context as SubscriptionContext).bus.watchProgress('backup', [jobId ?? '*', backupId ?? '*']);
    },
  })
  backupProgress(
    @Root() progress: BackupProgressView & { at: string },
    @Arg('backupId', () => ID, { nullable: true }) _backupId?: string,
    @Arg('jobId', () => ID, { nullable: true }) _jobId?: string,
  ): BackupProgressView {
    return { ...progress, at: new Date(progress.at) };
  }

  @Authorized()
  @Subscription(() => RestoreProgressView, {
    description: 'Progress of one restore, at least once a second while it runs',
    subscribe: ({ args, context }) => {
      const { restoreId } = args as { restoreId: string };
      if (!UUID.test(restoreId)) throw new LifeboatError('BAD_USER_INPUT', 'restoreId must be a UUID');
      return (context as SubscriptionContext).bus.watchProgress('restore', [restoreId]);
    },
  })
  restoreProgress(@Root() progress: RestoreProgressView & { at: string }, @Arg('restoreId', () => ID) _restoreId: string): RestoreProgressView {
    return { ...progress, at: new Date(progress.at) };
  }
}
