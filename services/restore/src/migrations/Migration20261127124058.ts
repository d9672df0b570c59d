import { Migration } from '@mikro-orm/migrations';

export class Migration20261127124058 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "restore"."known_backup" ("id" uuid not null, "type" text check ("type" in ('FULL_DATABASE', 'BASE_BACKUP', 'TENANT_BACKUP', 'WAL_ARCHIVE', 'CONFIGURATION')) not null, "tenant_id" varchar(100) null, "job_id" uuid null, "key" varchar(1000) not null, "checksum" varchar(64) not null, "size_bytes" bigint not null, "key_id" varchar(100) not null, "created_at" timestamptz not null, "verified_at" timestamptz null, constraint "known_backup_pkey" primary key ("id"));`);
    this.addSql(`create index "known_backup_type_created_at_index" on "restore"."known_backup" ("type", "created_at");`);

    this.addSql(`alter table "restore"."restore_log" add column "dry_run" boolean not null default false, add column "plan" text null, add column "jobs" int not null default 4, add column "working_database" varchar(100) null, add column "previous_database" varchar(100) null, add column "spool_path" varchar(1000) null, add column "row_check" jsonb null, add column "instance" varchar(200) null, add column "heartbeat_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "restore"."known_backup" cascade;`);

    this.addSql(`alter table "restore"."restore_log" drop column "dry_run", drop column "plan", drop column "jobs", drop column "working_database", drop column "previous_database", drop column "spool_path", drop column "row_check", drop column "instance", drop column "heartbeat_at";`);
  }

}
