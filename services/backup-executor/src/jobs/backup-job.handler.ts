/**
 * Runs the backup jobs the work queue hands this executor. A job may be delivered again (its
 * executor died, or the ack was lost): what it already produced is not made again (a full
 * backup, or the tenants already backed up), and a job still running elsewhere is retried later.
 */
import { LifeboatError, errorCodeOf, messageOf } from '@lifeboat/errors';
import type { EventBus, Job } from '@lifeboat/events';
import type { Logger } from '@lifeboat/observability';
import type { BackupRepository } from '../repositories/backup.repository';
import type { Backup } from '../repositories/backup.entity';
import type { BaseBackupJob } from './base-backup.job';
import type { ConfigurationBackupJob } from './configuration-backup.job';
import type { FullBackupJob } from './full-backup.job';
import type { TenantBackupJob } from './tenant-backup.job';
import type { WalCheckJob } from './wal-check.job';

/** A backup whose executor has not beaten its heart for this long is presumed dead. */
export const HEARTBEAT_STALE_MS = 60_000;

type JobStatus = 'SUCCEEDED' | 'PARTIAL' | 'FAILED' | 'SKIPPED';

export class BackupJobHandler {
  constructor(
    private readonly deps: {
      full: FullBackupJob;
      tenants: TenantBackupJob;
      configuration: ConfigurationBackupJob;
      base: BaseBackupJob;
      walCheck: WalCheckJob;
      /** Whether full backups also take a base backup (the cluster archives WAL). */
      baseWithFull: () => Promise<boolean>;
      repo: BackupRepository;
      bus: EventBus;
      instance: string;
      logger: Logger;
    },
  ) {}

  async handle(job: Job<'backup'>): Promise<void> {
    const { jobId, type } = job.payload;
    const { repo, bus } = this.deps;
    const earlier = await repo.forJob(jobId);
    const alive = earlier.find((b) => b.status === 'IN_PROGRESS' && b.heartbeatAt && Date.now() - b.heartbeatAt.getTime() < HEARTBEAT_STALE_MS / 2);
    if (alive) throw new LifeboatError('CONFLICT', `job ${jobId} is still running on ${alive.instance}`);
    const done = earlier.filter((b) => b.status === 'COMPLETED' || b.status === 'VERIFIED');
    if (type !== 'TENANT_BACKUP' && done.length > 0) {
      await this.#finished(job, 'SUCCEEDED', done.map((b) => b.id), null);
      return;
    }

    await bus.publish('job.started', { jobId, type, instance: this.deps.instance, startedAt: new Date().toISOString() }, { correlationId: jobId });
    if (type === 'FULL_DATABASE') {
      try {
        const backup = await this.deps.full.run(jobId);
        const made = [backup];
        if (backup.status !== 'FAILED' && (await this.deps.baseWithFull())) made.push(await this.deps.base.run(jobId));
        const failed = made.filter((b) => b.status === 'FAILED');
        const status: JobStatus = failed.length === 0 ? 'SUCCEEDED' : failed.length === made.length ? 'FAILED' : 'PARTIAL';
        await this.#finished(job, status, made.map((b) => b.id), failed.map((b) => `${b.type}: ${b.error}`).join('; ') || null);
      } catch (err) {
        if (errorCodeOf(err) !== 'CONFLICT') throw err;
        this.deps.logger.warn({ jobId, err: messageOf(err) }, 'job skipped');
        await this.#finished(job, 'SKIPPED', [], messageOf(err));
      }
      return;
    }
    if (type === 'BASE_BACKUP') {
      const backup = await this.deps.base.run(jobId);
      await this.#finished(job, backup.status === 'FAILED' ? 'FAILED' : 'SUCCEEDED', [backup.id], backup.error);
      return;
    }
    if (type === 'WAL_ARCHIVE') {
      const check = await this.deps.walCheck.run();
      await this.#finished(job, check.ok ? 'SUCCEEDED' : 'FAILED', [], check.message);
      return;
    }
    if (type === 'CONFIGURATION') {
      const backup = await this.deps.configuration.run(jobId);
      await this.#finished(job, backup.status === 'FAILED' ? 'FAILED' : 'SUCCEEDED', [backup.id], backup.error ?? (backup.warnings.length ? backup.warnings.join('; ') : null));
      return;
    }
    if (type === 'TENANT_BACKUP') {
      const { tenants, unknown } = await this.deps.tenants.resolve(job.payload.tenantIds);
      const remaining = tenants.filter((t) => !done.some((b) => b.tenantId === t));
      const made = [...done, ...(await this.deps.tenants.run(jobId, remaining))];
      await this.#tenantJobFinished(job, made, tenants.length, unknown);
      return;
    }
  }

  async #tenantJobFinished(job: Job<'backup'>, made: Backup[], wanted: number, unknown: string[]): Promise<void> {
    const failed = made.filter((b) => b.status === 'FAILED');
    const ok = made.length - failed.length;
    const problems = [
      ...failed.map((b) => `tenant ${b.tenantId}: ${b.error}`),
      ...(unknown.length ? [`unknown tenants not backed up: ${unknown.join(', ')}`] : []),
    ];
    const status: JobStatus = problems.length === 0 ? 'SUCCEEDED' : ok === 0 ? 'FAILED' : 'PARTIAL';
    const summary = `${ok} of ${wanted + unknown.length} tenants backed up`;
    await this.#finished(job, status, made.map((b) => b.id), problems.length ? `${summary}; ${problems.slice(0, 20).join('; ')}` : summary);
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
