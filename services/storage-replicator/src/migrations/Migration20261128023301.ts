import { Migration } from '@mikro-orm/migrations';

export class Migration20261128023301 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "backup_copy_due_index" on "backup_copy" ("next_attempt_at") where "status" in ('PENDING', 'UPLOADING', 'STORED', 'CORRUPT', 'MISSING');`);

    this.addSql(`create index "replication_unannounced_index" on "replication" ("backup_id") where "verified_at" is not null and "announced_at" is distinct from "verified_at";`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "storage_replicator"."backup_copy_due_index";`);

    this.addSql(`drop index "storage_replicator"."replication_unannounced_index";`);
  }

}
