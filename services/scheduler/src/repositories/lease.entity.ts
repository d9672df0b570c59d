/**
 * A lease: who may act alone (the scheduler replica that fires schedules) until when. The holder
 * renews it well before it expires; when the holder dies, another replica takes it once expired.
 */
import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

@Entity({ tableName: 'lease' })
export class Lease {
  @PrimaryKey({ type: 'string', length: 100 })
  name!: string;

  @Property({ type: 'string', length: 200 })
  holder!: string;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  expiresAt!: Date;
}
