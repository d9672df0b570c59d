/** A declared incident: its level, who declared it, the runbook's outcome and the measured RTO and RPO. */
import { randomUUID } from 'node:crypto';
import { Entity, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';

@Entity({ tableName: 'incident' })
@Index({ properties: ['declaredAt'] })
export class Incident {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Severity as declared, e.g. SEV1 (total outage) to SEV4. */
  @Property({ type: 'string', length: 20 })
  level!: string;

  @Property({ type: 'text' })
  description!: string;

  /** DECLARED, RECOVERING, RECOVERED, FAILED or CLOSED. */
  @Property({ type: 'string', length: 20 })
  status: string & Opt = 'DECLARED';

  @Property({ type: 'string', length: 320 })
  declaredBy!: string;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  declaredAt: Date & Opt = new Date();

  @Property({ type: 'boolean' })
  runRunbook: boolean & Opt = false;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  recoveredAt: Date | null = null;

  /** Seconds from declaration to a healthy system. */
  @Property({ type: 'double', nullable: true })
  rtoSeconds: number | null = null;

  /** Seconds of data lost: declaration time minus the recovery point. */
  @Property({ type: 'double', nullable: true })
  rpoSeconds: number | null = null;

  /** The incident report (Markdown) once written. */
  @Property({ type: 'text', nullable: true })
  report: string | null = null;
}
