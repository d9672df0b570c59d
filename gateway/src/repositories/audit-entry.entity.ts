/** One mutation as the gateway saw it: who, when, what, with which arguments (secrets removed), and how it ended. */
import { randomUUID } from 'node:crypto';
import { ArrayType, Entity, Index, JsonType, type Opt, PrimaryKey, Property } from '@mikro-orm/core';

@Entity({ tableName: 'audit_entry' })
@Index({ properties: ['at'] })
export class AuditEntry {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'Date', columnType: 'timestamptz' })
  at: Date & Opt = new Date();

  /** User or token id; null for a failed login. */
  @Property({ type: 'string', length: 100, nullable: true })
  actorId: string | null = null;

  /** The user's email (for a login, the email tried). */
  @Property({ type: 'string', length: 320, nullable: true })
  actorEmail: string | null = null;

  /** user, token or anonymous. */
  @Property({ type: 'string', length: 20 })
  actorKind!: string;

  @Property({ type: 'string', length: 200, nullable: true })
  operationName: string | null = null;

  /** The root mutation fields called. */
  @Property({ type: ArrayType })
  fields!: string[];

  /** Arguments per root field, with secrets replaced by "[redacted]". */
  @Property({ type: JsonType })
  arguments!: Record<string, unknown>;

  /** ok or error. */
  @Property({ type: 'string', length: 10 })
  outcome!: string;

  @Property({ type: ArrayType })
  errorCodes: string[] & Opt = [];

  @Property({ type: 'string', length: 100, nullable: true })
  requestId: string | null = null;

  @Property({ type: 'string', length: 100, nullable: true })
  remoteAddress: string | null = null;
}
