import { Migration } from '@mikro-orm/migrations';

export class Migration20261127131020 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "backup_executor"."backup" add column "warnings" text[] not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "backup_executor"."backup" drop column "warnings";`);
  }

}
