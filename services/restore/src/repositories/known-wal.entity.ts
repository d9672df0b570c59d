/** A WAL file the executor archived (from `wal.archived`): what bounds how late a recovery can reach. */
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

@Entity({ tableName: 'known_wal' })
@Index({ properties: ['systemId', 'spooledAt'] })
export class KnownWal {
  @PrimaryKey({ type: 'string', length: 64 })
  segment!: string;

  @Property({ type: 'string', length: 32 })
  systemId!: string;

  @Property({ type: 'integer' })
  timeline!: number;

  /** When PostgreSQL closed it: every commit in it happened before. */
  @Property({ type: 'Date', columnType: 'timestamptz' })
  spooledAt!: Date;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  archivedAt!: Date;
}
