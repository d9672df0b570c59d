/**
 * Fires due schedules. Each schedule is handled in its own transaction holding its row lock, and
 * each occurrence becomes at most one job (unique per schedule and occurrence), so a schedule
 * fires exactly once however many replicas try. Occurrences missed while no scheduler ran: the
 * latest runs if it is within the grace window, the others are recorded as MISSED. A schedule
 * whose previous run is still going records the new one as SKIPPED.
 */
import { LockMode } from '@mikro-orm/core';
import type { MikroORM } from '@lifeboat/db';
import type { Logger } from '@lifeboat/observability';
import { nextOccurrence, occurrencesBetween } from '../domain/cron';
import { BackupJob } from '../repositories/backup-job.entity';
import { Schedule } from '../repositories/schedule.entity';

/** Misses recorded one by one at most; beyond, one record says how many. */
const MAX_MISSED_RECORDS = 50;

export class ScheduleFirer {
  constructor(
    private readonly orm: MikroORM,
    private readonly instance: string,
    private readonly graceMs: number,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async fireDue(): Promise<number> {
    const now = this.clock();
    const due = await this.orm.em.fork().find(Schedule, { enabled: true, nextRunAt: { $lte: now } }, { fields: ['id'] });
    let fired = 0;
    for (const { id } of due) if (await this.#fire(id, now)) fired++;
    return fired;
  }

  async #fire(id: string, now: Date): Promise<boolean> {
    return this.orm.em.fork().transactional(async (em) => {
      const schedule = await em.findOne(Schedule, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!schedule?.enabled || !schedule.nextRunAt || schedule.nextRunAt > now) return false;
      const { cron, timezone } = schedule;
      const occurrences = [schedule.nextRunAt, ...occurrencesBetween(cron, timezone, schedule.nextRunAt, now, 10_000)];
      const latest = occurrences[occurrences.length - 1];
      const runLatest = now.getTime() - latest.getTime() <= this.graceMs;
      const missed = runLatest ? occurrences.slice(0, -1) : occurrences;
      const base = { type: schedule.backupType, tenantIds: schedule.allTenants ? null : schedule.tenantIds, requestedBy: `schedule:${schedule.name}`, scheduleId: schedule.id, runAt: null, firedBy: this.instance };

      for (const at of missed.slice(-MAX_MISSED_RECORDS)) {
        em.persist(em.create(BackupJob, { ...base, scheduledFor: at, status: 'MISSED', message: 'no scheduler was running at this time, beyond the grace window', finishedAt: now }));
      }
      if (missed.length > MAX_MISSED_RECORDS) {
        this.logger.warn({ schedule: schedule.name, missed: missed.length }, 'many runs missed; the oldest are not recorded one by one');
      }
      let outcome = 'MISSED';
      if (runLatest) {
        const running = await em.findOne(BackupJob, { scheduleId: schedule.id, status: { $in: ['QUEUED', 'RUNNING'] } });
        if (running) {
          outcome = 'SKIPPED';
          em.persist(em.create(BackupJob, { ...base, scheduledFor: latest, status: 'SKIPPED', message: `the previous run (job ${running.id}) was still ${running.status}`, finishedAt: now }));
        } else {
          outcome = 'QUEUED';
          em.persist(em.create(BackupJob, { ...base, scheduledFor: latest, status: 'QUEUED', queuedAt: now }));
        }
      }
      schedule.lastRunAt = latest;
      schedule.lastOutcome = outcome;
      schedule.nextRunAt = nextOccurrence(cron, timezone, now);
      this.logger.info({ schedule: schedule.name, at: latest.toISOString(), outcome, missed: missed.length }, 'schedule fired');
      return true;
    });
  }
}
