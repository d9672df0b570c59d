/** A backup artifact as the backup-executor records it: the seed's Backup model plus what an operator needs to trust it. */
import { randomUUID } from 'node:crypto';
import { ArrayType, BigIntType, Entity, Enum, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { BackupStatus, BackupType } from '@lifeboat/vocabulary';

@Entity({ tableName: 'backup' })
@Index({ properties: ['type', 'createdAt'] })
@Index({ properties: ['tenantId', 'createdAt'] })
@Index({ properties: ['jobId'] })
export class Backup {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Enum({ items: () => BackupType, nativeEnumName: undefined })
  type!: BackupType;

  @Property({ type: 'string', length: 100, nullable: true })
  tenantId: string | null = null;

  @Property({ type: 'string', length: 500 })
  filename!: string;

  /** Bytes stored (compressed and encrypted). */
  @Property({ type: new BigIntType('number'), nullable: true })
  sizeBytes: number | null = null;

  /** Bytes read from the source before compression. */
  @Property({ type: new BigIntType('number'), nullable: true })
  originalSizeBytes: number | null = null;

  /** SHA-256 (hex) of the stored object. */
  @Property({ type: 'string', length: 64, nullable: true })
  checksum: string | null = null;

  @Enum({ items: () => BackupStatus })
  status: BackupStatus & Opt = 'PENDING';

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  completedAt: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  verifiedAt: Date | null = null;

  @Property({ type: 'uuid', nullable: true })
  jobId: string | null = null;

  @Property({ type: 'double', nullable: true })
  compressionRatio: number | null = null;

  @Property({ type: 'double', nullable: true })
  durationSeconds: number | null = null;

  /** Why it failed, when it did (code and message). */
  @Property({ type: 'text', nullable: true })
  error: string | null = null;

  /** The master key id that wraps this artifact's data key. */
  @Property({ type: 'string', length: 100, nullable: true })
  keyId: string | null = null;

  /** What did not stop the backup but deserves a look (a configuration glob that matched nothing). */
  @Property({ type: ArrayType })
  warnings: string[] & Opt = [];

  /** The object key, the same in every location. */
  @Property({ type: 'string', length: 1000 })
  key!: string;

  /** The location the artifact was written to first (the others get copies). */
  @Property({ type: 'string', length: 100 })
  location!: string;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  startedAt: Date | null = null;

  /** The executor instance running it, and when it last said it was alive (stale ones are failed). */
  @Property({ type: 'string', length: 200, nullable: true })
  instance: string | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  heartbeatAt: Date | null = null;

  /** Base backups: the cluster's system identifier and the WAL segment the backup starts in
   *  (retention never deletes archived WAL from there on). */
  @Property({ type: 'string', length: 32, nullable: true })
  systemId: string | null = null;

  @Property({ type: 'string', length: 24, nullable: true })
  walStart: string | null = null;
}
