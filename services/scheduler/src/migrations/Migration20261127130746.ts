import { Migration } from '@mikro-orm/migrations';

export class Migration20261127130746 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "scheduler"."lease" ("name" varchar(100) not null, "holder" varchar(200) not null, "expires_at" timestamptz not null, constraint "lease_pkey" primary key ("name"));`);

    this.addSql(`create table "scheduler"."seeded_default" ("key" varchar(100) not null, "seeded_at" timestamptz not null default now(), constraint "seeded_default_pkey" primary key ("key"));`);

    this.addSql(`alter table "scheduler"."backup_job" drop constraint if exists "backup_job_status_check";`);

    this.addSql(`alter table "scheduler"."backup_job" add column "scheduled_for" timestamptz null, add column "fired_by" varchar(200) null, add column "dispatched_at" timestamptz null;`);
    this.addSql(`alter table "scheduler"."backup_job" add constraint "backup_job_status_check" check("status" in ('SCHEDULED', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED', 'SKIPPED', 'MISSED', 'CANCELLED'));`);
    this.addSql(`create index "backup_job_status_run_at_index" on "scheduler"."backup_job" ("status", "run_at");`);
    this.addSql(`alter table "scheduler"."backup_job" add constraint "backup_job_schedule_id_scheduled_for_unique" unique ("schedule_id", "scheduled_for");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "scheduler"."lease" cascade;`);

    this.addSql(`drop table if exists "scheduler"."seeded_default" cascade;`);

    this.addSql(`alter table "scheduler"."backup_job" drop constraint if exists "backup_job_status_check";`);

    this.addSql(`drop index "scheduler"."backup_job_status_run_at_index";`);
    this.addSql(`alter table "scheduler"."backup_job" drop constraint "backup_job_schedule_id_scheduled_for_unique";`);
    this.addSql(`alter table "scheduler"."backup_job" drop column "scheduled_for", drop column "fired_by", drop column "dispatched_at";`);

    this.addSql(`alter table "scheduler"."backup_job" add constraint "backup_job_status_check" check("status" in ('SCHEDULED', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED', 'SKIPPED', 'CANCELLED'));`);
  }

}
