/** A WAL file archived in every WAL location: which, where it starts and ends, when it left the spool. */
import { ArrayType, BigIntType, Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

@Entity({ tableName: 'wal_segment' })
@Index({ properties: ['archivedAt'] })
export class WalSegment {
  /** The file name PostgreSQL gave it, e.g. 000000010000000000000003 or 00000002.history. */
  @PrimaryKey({ type: 'string', length: 64 })
  name!: string;

  @Property({ type: 'string', length: 32 })
  systemId!: string;

  @Property({ type: 'integer' })
  timeline!: number;

  @Property({ type: 'string', length: 20, nullable: true })
  startLsn: string | null = null;

  @Property({ type: 'string', length: 20, nullable: true })
  endLsn: string | null = null;

  /** The object key, the same in every WAL location. */
  @Property({ type: 'string', length: 500 })
  key!: string;

  @Property({ type: new BigIntType('number') })
  sizeBytes!: number;

  @Property({ type: new BigIntType('number') })
  originalSizeBytes!: number;

  /** SHA-256 of the stored object (identical in every location). */
  @Property({ type: 'string', length: 64 })
  checksum!: string;

  @Property({ type: 'string', length: 100 })
  keyId!: string;

  @Property({ type: ArrayType })
  locations!: string[];

  /** When PostgreSQL handed it to the spool. */
  @Property({ type: 'Date', columnType: 'timestamptz' })
  spooledAt!: Date;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  archivedAt!: Date;

  /** The Backup record (type WAL_ARCHIVE) that lists it in the catalog. */
  @Property({ type: 'uuid' })
  backupId!: string;
}
