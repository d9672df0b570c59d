import { Migration } from '@mikro-orm/migrations';

/** Shared by every service schema: the inbox of handled event ids. */
export class Migration20261127000000_handled_events extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "handled_event" ("consumer" varchar(200) not null, "event_id" varchar(100) not null, "handled_at" timestamptz not null default now(), constraint "handled_event_pkey" primary key ("consumer", "event_id"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "handled_event";`);
  }
}
