/** A request to run backups — now, at a set time, or from a schedule — and how it went. */
import { randomUUID } from 'node:crypto';
import { ArrayType, Entity, Enum, Index, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { BackupType } from '@lifeboat/vocabulary';

/**
 * SCHEDULED (waits for `runAt`), QUEUED (handed, or to be handed, to the work queue), RUNNING,
 * and how it ended: SUCCEEDED, PARTIAL (some tenants failed), FAILED, SKIPPED (the previous run of
 * its schedule was still going, or another full backup ran), MISSED (its time passed while no
 * scheduler ran, beyond the grace window), CANCELLED.
 */
export const JOB_STATUSES = ['SCHEDULED', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED', 'SKIPPED', 'MISSED', 'CANCELLED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

@Entity({ tableName: 'backup_job' })
@Index({ properties: ['createdAt'] })
@Index({ properties: ['scheduleId', 'createdAt'] })
@Index({ properties: ['status', 'runAt'] })
@Unique({ properties: ['scheduleId', 'scheduledFor'] })
export class BackupJob {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Enum({ items: () => BackupType })
  type!: BackupType;

  /** For tenant backups: the tenants chosen, or null for all. */
  @Property({ type: ArrayType, nullable: true })
  tenantIds: string[] | null = null;

  /** Who or what asked: a user's email, an API token's owner, or `schedule:<name>`. */
  @Property({ type: 'string', length: 320 })
  requestedBy!: string;

  @Property({ type: 'uuid', nullable: true })
  scheduleId: string | null = null;

  /** When it should run; null for "now". */
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  runAt: Date | null = null;

  /** The schedule's occurrence this job is (at most one job per occurrence, whatever the replicas). */
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  scheduledFor: Date | null = null;

  /** The scheduler replica that fired it (schedules only). */
  @Property({ type: 'string', length: 200, nullable: true })
  firedBy: string | null = null;

  /** When it was put on the work queue (null: still to do, see the dispatcher). */
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  dispatchedAt: Date | null = null;

  @Enum({ items: () => [...JOB_STATUSES] })
  status: JobStatus & Opt = 'QUEUED';

  @Property({ type: 'text', nullable: true })
  message: string | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  queuedAt: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  startedAt: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  finishedAt: Date | null = null;
}
