/**
 * Runs the backup jobs the work queue hands this executor. A job may be delivered again (its
 * executor died, or the ack was lost): a job that already produced its backup only announces
 * its end again, and one still running elsewhere is retried later.
 */
import { errorCodeOf, messageOf } from '@lifeboat/errors';
import type { EventBus, Job } from '@lifeboat/events';
import type { Logger } from '@lifeboat/observability';
import { LifeboatError } from '@lifeboat/errors';
import type { BackupRepository } from '../repositories/backup.repository';
import type { FullBackupJob } from './full-backup.job';

/** A backup whose executor has not beaten its heart for this long is presumed dead. */
export const HEARTBEAT_STALE_MS = 60_000;

type JobStatus = 'SUCCEEDED' | 'PARTIAL' | 'FAILED' | 'SKIPPED';

export class BackupJobHandler {
  constructor(
    private readonly deps: { full: FullBackupJob; repo: BackupRepository; bus: EventBus; instance: string; logger: Logger },
  ) {}

  async handle(job: Job<'backup'>): Promise<void> {
    const { jobId, type } = job.payload;
    const { repo, bus } = this.deps;
    const earlier = await repo.forJob(jobId);
    const done = earlier.filter((b) => b.status === 'COMPLETED' || b.status === 'VERIFIED');
    if (done.length > 0) {
      await this.#finished(job, 'SUCCEEDED', done.map((b) => b.id), null);
      return;
    }
    const alive = earlier.find((b) => b.status === 'IN_PROGRESS' && b.heartbeatAt && Date.now() - b.heartbeatAt.getTime() < HEARTBEAT_STALE_MS / 2);
    if (alive) throw new LifeboatError('CONFLICT', `job ${jobId} is still running on ${alive.instance}`);

    await bus.publish('job.started', { jobId, type, instance: this.deps.instance, startedAt: new Date().toISOString() }, { correlationId: jobId });
    if (type !== 'FULL_DATABASE') {
      await this.#finished(job, 'FAILED', [], `backup type ${type} is not supported by this executor`);
      return;
    }
    try {
      const backup = await this.deps.full.run({ jobId });
      await this.#finished(job, backup.status === 'FAILED' ? 'FAILED' : 'SUCCEEDED', [backup.id], backup.error);
    } catch (err) {
      if (errorCodeOf(err) !== 'CONFLICT') throw err;
      this.deps.logger.warn({ jobId, err: messageOf(err) }, 'job skipped');
      await this.#finished(job, 'SKIPPED', [], messageOf(err));
    }
  }

  async #finished(job: Job<'backup'>, status: JobStatus, backupIds: string[], message: string | null): Promise<void> {
    const { jobId, type } = job.payload;
    await this.deps.bus.publish(
      'job.finished',
      { jobId, type, status, backupIds, message, finishedAt: new Date().toISOString() },
      { correlationId: jobId, id: `${jobId}:finished:${job.delivery}` },
    );
  }
}
