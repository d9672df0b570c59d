/** The ids of events a consumer has handled: the memory that makes at-least-once delivery idempotent. */
import { Entity, type Opt, PrimaryKey, Property } from '@mikro-orm/core';

@Entity({ tableName: 'handled_event' })
export class HandledEvent {
  @PrimaryKey({ type: 'string', length: 200 })
  consumer!: string;

  @PrimaryKey({ type: 'string', length: 100 })
  eventId!: string;

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  handledAt: Date & Opt = new Date();
}
