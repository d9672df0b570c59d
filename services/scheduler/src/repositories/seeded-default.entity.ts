/** The default schedules created once: a default deleted or changed by an operator is never recreated. */
import { Entity, type Opt, PrimaryKey, Property } from '@mikro-orm/core';

@Entity({ tableName: 'seeded_default' })
export class SeededDefault {
  @PrimaryKey({ type: 'string', length: 100 })
  key!: string;

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  seededAt: Date & Opt = new Date();
}
