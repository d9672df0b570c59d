/** An alert raised by a monitoring rule, until someone acknowledges it or it resolves. */
import { randomUUID } from 'node:crypto';
import { Entity, Index, JsonType, type Opt, PrimaryKey, Property } from '@mikro-orm/core';

@Entity({ tableName: 'alert' })
@Index({ properties: ['status', 'createdAt'] })
export class Alert {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** The rule that raised it, e.g. BACKUP_FAILED, SIZE_DEVIATION, DURATION, CAPACITY, WAL_STUCK. */
  @Property({ type: 'string', length: 50 })
  kind!: string;

  /** INFO, WARNING or CRITICAL. */
  @Property({ type: 'string', length: 20 })
  severity!: string;

  @Property({ type: 'text' })
  message!: string;

  /** What it is about, e.g. a backup id or a location name. */
  @Property({ type: 'string', length: 200, nullable: true })
  subject: string | null = null;

  /** OPEN, ACKNOWLEDGED or RESOLVED. */
  @Property({ type: 'string', length: 20 })
  status: string & Opt = 'OPEN';

  @Property({ type: JsonType, nullable: true })
  details: Record<string, unknown> | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null = null;

  @Property({ type: 'string', length: 320, nullable: true })
  acknowledgedBy: string | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  resolvedAt: Date | null = null;
}
