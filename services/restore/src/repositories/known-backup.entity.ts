/**
 * What the restore service knows of a backup, learnt from `backup.created` and
 * `backup.verified` (the executor and the replicator own the records): enough to find, check and
 * decrypt any copy of it.
 */
import { BigIntType, Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { BackupType } from '@lifeboat/vocabulary';

@Entity({ tableName: 'known_backup' })
@Index({ properties: ['type', 'createdAt'] })
export class KnownBackup {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Enum({ items: () => BackupType })
  type!: BackupType;

  @Property({ type: 'string', length: 100, nullable: true })
  tenantId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  jobId: string | null = null;

  @Property({ type: 'string', length: 1000 })
  key!: string;

  @Property({ type: 'string', length: 64 })
  checksum!: string;

  @Property({ type: new BigIntType('number') })
  sizeBytes!: number;

  @Property({ type: 'string', length: 100 })
  keyId!: string;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  verifiedAt: Date | null = null;
}
