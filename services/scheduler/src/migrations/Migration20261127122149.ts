import { Migration } from '@mikro-orm/migrations';

export class Migration20261127122149 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "scheduler"."backup_job" ("id" uuid not null, "type" text check ("type" in ('FULL_DATABASE', 'BASE_BACKUP', 'TENANT_BACKUP', 'WAL_ARCHIVE', 'CONFIGURATION')) not null, "tenant_ids" text[] null, "requested_by" varchar(320) not null, "schedule_id" uuid null, "run_at" timestamptz null, "status" text check ("status" in ('SCHEDULED', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED', 'SKIPPED', 'CANCELLED')) not null default 'QUEUED', "message" text null, "created_at" timestamptz not null, "queued_at" timestamptz null, "started_at" timestamptz null, "finished_at" timestamptz null, constraint "backup_job_pkey" primary key ("id"));`);
    this.addSql(`create index "backup_job_schedule_id_created_at_index" on "scheduler"."backup_job" ("schedule_id", "created_at");`);
    this.addSql(`create index "backup_job_created_at_index" on "scheduler"."backup_job" ("created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "scheduler"."backup_job" cascade;`);
  }

}
