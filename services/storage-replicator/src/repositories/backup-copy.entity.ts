/** One copy of a backup in one storage location, with what its last verification saw. */
import { randomUUID } from 'node:crypto';
import { BigIntType, Entity, Enum, Index, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { CopyStatus } from '@lifeboat/vocabulary';

@Entity({ tableName: 'backup_copy' })
@Unique({ properties: ['backupId', 'location'] })
@Index({ properties: ['status'] })
// The claim's scan: the copies due, in the order they came due, without reading those that are done.
@Index({
  name: 'backup_copy_due_index',
  expression: `create index "backup_copy_due_index" on "backup_copy" ("next_attempt_at") where "status" in ('PENDING', 'UPLOADING', 'STORED', 'CORRUPT', 'MISSING')`,
})
export class BackupCopy {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  backupId!: string;

  /** The configured location name, e.g. `r2`. */
  @Property({ type: 'string', length: 100 })
  location!: string;

  /** The object key inside the location. */
  @Property({ type: 'string', length: 1000 })
  path!: string;

  @Enum({ items: () => CopyStatus })
  status: CopyStatus & Opt = 'PENDING';

  /** SHA-256 (hex) the last verification read from this copy. */
  @Property({ type: 'string', length: 64, nullable: true })
  checksum: string | null = null;

  @Property({ type: new BigIntType('number'), nullable: true })
  sizeBytes: number | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  verifiedAt: Date | null = null;

  /** The last failure (code: message) while copying or verifying. */
  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Property({ type: 'integer' })
  attempts: number & Opt = 0;

  /** When the worker may next try to copy or verify it (backoff after a failure). */
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null = null;

  /** A worker holding it until then; another may take it after (its holder died). */
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  leaseUntil: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}
