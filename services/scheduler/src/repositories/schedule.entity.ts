/** A backup schedule: when (cron in a timezone), what (backup type and tenants), and how its last run went. */
import { randomUUID } from 'node:crypto';
import { ArrayType, Entity, Enum, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { BackupType } from '@lifeboat/vocabulary';

@Entity({ tableName: 'schedule' })
export class Schedule {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Unique()
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'string', length: 200 })
  cron!: string;

  /** IANA timezone the cron expression is read in. */
  @Property({ type: 'string', length: 100 })
  timezone!: string;

  @Enum({ items: () => BackupType })
  backupType!: BackupType;

  /** For tenant backups: the tenants, or null with allTenants. */
  @Property({ type: ArrayType, nullable: true })
  tenantIds: string[] | null = null;

  @Property({ type: 'boolean' })
  allTenants: boolean & Opt = false;

  @Property({ type: 'boolean' })
  enabled: boolean & Opt = true;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  nextRunAt: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  lastRunAt: Date | null = null;

  /** SUCCEEDED, FAILED, SKIPPED or MISSED, with the job id when one ran. */
  @Property({ type: 'string', length: 20, nullable: true })
  lastOutcome: string | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}
