import { Migration } from '@mikro-orm/migrations';

export class Migration20261127132616 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "backup_executor"."wal_segment" ("name" varchar(64) not null, "system_id" varchar(32) not null, "timeline" int not null, "start_lsn" varchar(20) null, "end_lsn" varchar(20) null, "key" varchar(500) not null, "size_bytes" bigint not null, "original_size_bytes" bigint not null, "checksum" varchar(64) not null, "key_id" varchar(100) not null, "locations" text[] not null, "spooled_at" timestamptz not null, "archived_at" timestamptz not null, "backup_id" uuid not null, constraint "wal_segment_pkey" primary key ("name"));`);
    this.addSql(`create index "wal_segment_archived_at_index" on "backup_executor"."wal_segment" ("archived_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "backup_executor"."wal_segment" cascade;`);
  }

}
