import { Migration } from '@mikro-orm/migrations';

export class Migration20261127120147 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "monitor"."alert" ("id" uuid not null, "kind" varchar(50) not null, "severity" varchar(20) not null, "message" text not null, "subject" varchar(200) null, "status" varchar(20) not null default 'OPEN', "details" jsonb null, "created_at" timestamptz not null, "acknowledged_at" timestamptz null, "acknowledged_by" varchar(320) null, "resolved_at" timestamptz null, constraint "alert_pkey" primary key ("id"));`);
    this.addSql(`create index "alert_status_created_at_index" on "monitor"."alert" ("status", "created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "monitor"."alert" cascade;`);
  }

}
