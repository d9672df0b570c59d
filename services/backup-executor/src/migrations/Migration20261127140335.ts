import { Migration } from '@mikro-orm/migrations';

export class Migration20261127140335 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "backup_executor"."backup" add column "system_id" varchar(32) null, add column "wal_start" varchar(24) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "backup_executor"."backup" drop column "system_id", drop column "wal_start";`);
  }

}
