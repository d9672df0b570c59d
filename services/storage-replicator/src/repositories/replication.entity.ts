/**
 * What the replicator must know of a backup to copy and verify it: its key, the SHA-256 every
 * copy must have, where it was written first, and when all its copies were last verified (and
 * whether that was announced).
 */
import { BigIntType, Entity, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';

@Entity({ tableName: 'replication' })
// The verifications not yet announced, found without reading every backup ever replicated.
@Index({
  name: 'replication_unannounced_index',
  expression: `create index "replication_unannounced_index" on "replication" ("backup_id") where "verified_at" is not null and "announced_at" is distinct from "verified_at"`,
})
export class Replication {
  @PrimaryKey({ type: 'uuid' })
  backupId!: string;

  @Property({ type: 'string', length: 1000 })
  key!: string;

  @Property({ type: 'string', length: 64 })
  checksum!: string;

  @Property({ type: new BigIntType('number') })
  sizeBytes!: number;

  @Property({ type: 'string', length: 100 })
  sourceLocation!: string;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt: Date & Opt = new Date();

  /** When every copy last matched the checksum. */
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  verifiedAt: Date | null = null;

  /** When `backup.verified` for `verifiedAt` was published (null: still to do). */
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  announcedAt: Date | null = null;
}
