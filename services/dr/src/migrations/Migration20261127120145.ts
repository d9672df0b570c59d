import { Migration } from '@mikro-orm/migrations';

export class Migration20261127120145 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "dr"."incident" ("id" uuid not null, "level" varchar(20) not null, "description" text not null, "status" varchar(20) not null default 'DECLARED', "declared_by" varchar(320) not null, "declared_at" timestamptz not null, "run_runbook" boolean not null default false, "recovered_at" timestamptz null, "rto_seconds" double precision null, "rpo_seconds" double precision null, "report" text null, constraint "incident_pkey" primary key ("id"));`);
    this.addSql(`create index "incident_declared_at_index" on "dr"."incident" ("declared_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "dr"."incident" cascade;`);
  }

}
