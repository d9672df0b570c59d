import { Migration } from '@mikro-orm/migrations';

export class Migration20261127120202 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "storage_replicator"."backup_copy" ("id" uuid not null, "backup_id" uuid not null, "location" varchar(100) not null, "path" varchar(1000) not null, "status" text check ("status" in ('PENDING', 'UPLOADING', 'STORED', 'VERIFIED', 'CORRUPT', 'MISSING', 'DELETED')) not null default 'PENDING', "checksum" varchar(64) null, "size_bytes" bigint null, "verified_at" timestamptz null, "last_error" text null, "attempts" int not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "backup_copy_pkey" primary key ("id"));`);
    this.addSql(`create index "backup_copy_status_index" on "storage_replicator"."backup_copy" ("status");`);
    this.addSql(`alter table "storage_replicator"."backup_copy" add constraint "backup_copy_backup_id_location_unique" unique ("backup_id", "location");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "storage_replicator"."backup_copy" cascade;`);
  }

}
