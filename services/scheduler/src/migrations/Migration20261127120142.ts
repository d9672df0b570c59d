import { Migration } from '@mikro-orm/migrations';

export class Migration20261127120142 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "scheduler"."schedule" ("id" uuid not null, "name" varchar(200) not null, "cron" varchar(200) not null, "timezone" varchar(100) not null, "backup_type" text check ("backup_type" in ('FULL_DATABASE', 'BASE_BACKUP', 'TENANT_BACKUP', 'WAL_ARCHIVE', 'CONFIGURATION')) not null, "tenant_ids" text[] null, "all_tenants" boolean not null default false, "enabled" boolean not null default true, "next_run_at" timestamptz null, "last_run_at" timestamptz null, "last_outcome" varchar(20) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "schedule_pkey" primary key ("id"));`);
    this.addSql(`alter table "scheduler"."schedule" add constraint "schedule_name_unique" unique ("name");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "scheduler"."schedule" cascade;`);
  }

}
