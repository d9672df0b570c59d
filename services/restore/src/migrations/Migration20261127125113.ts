import { Migration } from '@mikro-orm/migrations';

export class Migration20261127125113 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "restore"."restore_log" add column "backup_ids" text[] null, add column "tenant_results" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "restore"."restore_log" drop column "backup_ids", drop column "tenant_results";`);
  }

}
