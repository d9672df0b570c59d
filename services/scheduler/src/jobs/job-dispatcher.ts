/**
 * Puts recorded jobs on the work queue: QUEUED ones not yet dispatched (from schedules, or a
 * trigger whose first attempt failed) and SCHEDULED ones whose time has come. Recording first and
 * dispatching after means a job is never lost between the two; the job id as the message id means
 * dispatching twice queues it once.
 */
import type { MikroORM } from '@lifeboat/db';
import type { EventBus } from '@lifeboat/events';
import type { Logger } from '@lifeboat/observability';
import { messageOf } from '@lifeboat/errors';
import { BackupJob } from '../repositories/backup-job.entity';

export class JobDispatcher {
  constructor(
    private readonly orm: MikroORM,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  async dispatch(now = new Date()): Promise<number> {
    const em = this.orm.em.fork();
    const ready = await em.find(
      BackupJob,
      { dispatchedAt: null, $or: [{ status: 'QUEUED' }, { status: 'SCHEDULED', runAt: { $lte: now } }] },
      { orderBy: { createdAt: 'asc' }, limit: 100 },
    );
    for (const job of ready) {
      try {
        // Each write is conditional: another dispatcher (a replica, a trigger) may have sent it
        // too, and its executor may already have moved it on to RUNNING or further.
        await em.nativeUpdate(BackupJob, { id: job.id, status: 'SCHEDULED' }, { status: 'QUEUED', queuedAt: now });
        await this.#send(job);
        await em.nativeUpdate(BackupJob, { id: job.id, dispatchedAt: null }, { dispatchedAt: new Date() });
      } catch (err) {
        this.logger.warn({ jobId: job.id, err: messageOf(err) }, 'could not put a job on the work queue; will retry');
      }
    }
    return ready.length;
  }

  /** Sends one job to the work queue (idempotent per job id). */
  async #send(job: BackupJob): Promise<void> {
    await this.bus.enqueueJob('backup', { jobId: job.id, type: job.type, tenantIds: job.tenantIds, requestedBy: job.requestedBy, scheduleId: job.scheduleId }, job.id);
  }
}
