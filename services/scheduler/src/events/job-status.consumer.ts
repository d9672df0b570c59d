/**
 * Follows the executors' job events to keep each job's status, times and message current, and its
 * schedule's last outcome. The two subjects have their own consumers, so a job that ends at once
 * (a SKIPPED full backup) can have both handled together: each locks the job's row first, so
 * `job.started` never reads the row before `job.finished` commits and then writes RUNNING over it.
 */
import type { EntityManager } from '@lifeboat/db';
import { LockMode } from '@mikro-orm/core';
import type { EventBus, Inbox, Stoppable } from '@lifeboat/events';
import { BackupJob } from '../repositories/backup-job.entity';
import { Schedule } from '../repositories/schedule.entity';

export async function consumeJobStatus(bus: EventBus, inbox: Inbox<EntityManager>): Promise<Stoppable[]> {
  return Promise.all([
    bus.consume('scheduler', 'job.started', inbox, async (event, em) => {
      const job = await em.findOne(BackupJob, { id: event.data.jobId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!job || job.finishedAt) return;
      job.status = 'RUNNING';
      job.startedAt = new Date(event.data.startedAt);
    }),
    bus.consume('scheduler', 'job.finished', inbox, async (event, em) => {
      const job = await em.findOne(BackupJob, { id: event.data.jobId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!job) return;
      job.status = event.data.status;
      job.message = event.data.message;
      job.finishedAt = new Date(event.data.finishedAt);
      job.startedAt ??= job.finishedAt;
      if (job.scheduleId) {
        const schedule = await em.findOne(Schedule, { id: job.scheduleId });
        if (schedule && (!schedule.lastRunAt || !job.scheduledFor || job.scheduledFor >= schedule.lastRunAt)) schedule.lastOutcome = event.data.status;
      }
    }),
  ]);
}
