import { Migration } from '@mikro-orm/migrations';

export class Migration20261127122319 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "storage_replicator"."replication" ("backup_id" uuid not null, "key" varchar(1000) not null, "checksum" varchar(64) not null, "size_bytes" bigint not null, "source_location" varchar(100) not null, "created_at" timestamptz not null, "verified_at" timestamptz null, "announced_at" timestamptz null, constraint "replication_pkey" primary key ("backup_id"));`);

    this.addSql(`alter table "storage_replicator"."backup_copy" add column "next_attempt_at" timestamptz null, add column "lease_until" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "storage_replicator"."replication" cascade;`);

    this.addSql(`alter table "storage_replicator"."backup_copy" drop column "next_attempt_at", drop column "lease_until";`);
  }

}
