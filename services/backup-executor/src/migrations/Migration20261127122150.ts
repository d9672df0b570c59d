import { Migration } from '@mikro-orm/migrations';

export class Migration20261127122150 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "backup_executor"."backup" add column "key" varchar(1000) not null, add column "location" varchar(100) not null, add column "started_at" timestamptz null, add column "instance" varchar(200) null, add column "heartbeat_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "backup_executor"."backup" drop column "key", drop column "location", drop column "started_at", drop column "instance", drop column "heartbeat_at";`);
  }

}
