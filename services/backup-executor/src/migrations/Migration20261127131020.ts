import { Migration } from '@mikro-orm/migrations';

export class Migration20261127131020 extends Migration {

  override async up(): Promise<void> {
    // Existing rows get no warnings; new rows always set the column.
    this.addSql(`alter table "backup_executor"."backup" add column "warnings" text[] not null default '{}';`);
    this.addSql(`alter table "backup_executor"."backup" alter column "warnings" drop default;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "backup_executor"."backup" drop column "warnings";`);
  }

}
