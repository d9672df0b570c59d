/** A request to run backups — now, at a set time, or from a schedule — and how it went. */
import { randomUUID } from 'node:crypto';
import { ArrayType, Entity, Enum, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { BackupType } from '@lifeboat/vocabulary';

export const JOB_STATUSES = ['SCHEDULED', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED', 'SKIPPED', 'CANCELLED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

@Entity({ tableName: 'backup_job' })
@Index({ properties: ['createdAt'] })
@Index({ properties: ['scheduleId', 'createdAt'] })
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
