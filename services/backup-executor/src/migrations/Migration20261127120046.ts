import { Migration } from '@mikro-orm/migrations';

export class Migration20261127120046 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "backup_executor"."backup" ("id" uuid not null, "type" text check ("type" in ('FULL_DATABASE', 'BASE_BACKUP', 'TENANT_BACKUP', 'WAL_ARCHIVE', 'CONFIGURATION')) not null, "tenant_id" varchar(100) null, "filename" varchar(500) not null, "size_bytes" bigint null, "original_size_bytes" bigint null, "checksum" varchar(64) null, "status" text check ("status" in ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'VERIFIED', 'FAILED', 'EXPIRED')) not null default 'PENDING', "created_at" timestamptz not null, "completed_at" timestamptz null, "verified_at" timestamptz null, "job_id" uuid null, "compression_ratio" double precision null, "duration_seconds" double precision null, "error" text null, "key_id" varchar(100) null, constraint "backup_pkey" primary key ("id"));`);
    this.addSql(`create index "backup_job_id_index" on "backup_executor"."backup" ("job_id");`);
    this.addSql(`create index "backup_tenant_id_created_at_index" on "backup_executor"."backup" ("tenant_id", "created_at");`);
    this.addSql(`create index "backup_type_created_at_index" on "backup_executor"."backup" ("type", "created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "backup_executor"."backup" cascade;`);
  }

}
