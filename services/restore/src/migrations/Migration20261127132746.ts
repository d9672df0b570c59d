import { Migration } from '@mikro-orm/migrations';

export class Migration20261127132746 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "restore"."known_wal" ("segment" varchar(64) not null, "system_id" varchar(32) not null, "timeline" int not null, "spooled_at" timestamptz not null, "archived_at" timestamptz not null, constraint "known_wal_pkey" primary key ("segment"));`);
    this.addSql(`create index "known_wal_system_id_spooled_at_index" on "restore"."known_wal" ("system_id", "spooled_at");`);

    this.addSql(`alter table "restore"."restore_log" add column "recovered_to" timestamptz null, add column "cluster_url" varchar(500) null, add column "cluster_data_dir" varchar(1000) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "restore"."known_wal" cascade;`);

    this.addSql(`alter table "restore"."restore_log" drop column "recovered_to", drop column "cluster_url", drop column "cluster_data_dir";`);
  }

}
