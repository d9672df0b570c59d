import { Migration } from '@mikro-orm/migrations';

export class Migration20261127120111 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "restore"."restore_log" ("id" uuid not null, "backup_id" uuid null, "initiated_by" varchar(320) not null, "tenant_ids" text[] null, "restore_mode" text check ("restore_mode" in ('FULL', 'MERGE', 'PITR')) not null, "target_timestamp" timestamptz null, "target_database" varchar(200) null, "status" text check ("status" in ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED')) not null default 'PENDING', "started_at" timestamptz null, "completed_at" timestamptz null, "error_message" text null, "source_location" varchar(100) null, "failovers" jsonb not null, "bytes" bigint null, "duration_seconds" double precision null, "created_at" timestamptz not null, constraint "restore_log_pkey" primary key ("id"));`);
    this.addSql(`create index "restore_log_started_at_index" on "restore"."restore_log" ("started_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "restore"."restore_log" cascade;`);
  }

}
