import { Migration } from '@mikro-orm/migrations';

export class Migration20261127120519 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "gateway"."api_token" ("id" uuid not null, "name" varchar(200) not null, "owner_id" uuid not null, "role" text check ("role" in ('VIEWER', 'OPERATOR', 'ADMIN')) not null, "secret_hash" varchar(64) not null, "created_at" timestamptz not null, "expires_at" timestamptz null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, constraint "api_token_pkey" primary key ("id"));`);
    this.addSql(`create index "api_token_owner_id_index" on "gateway"."api_token" ("owner_id");`);

    this.addSql(`create table "gateway"."audit_entry" ("id" uuid not null, "at" timestamptz not null, "actor_id" varchar(100) null, "actor_email" varchar(320) null, "actor_kind" varchar(20) not null, "operation_name" varchar(200) null, "fields" text[] not null, "arguments" jsonb not null, "outcome" varchar(10) not null, "error_codes" text[] not null, "request_id" varchar(100) null, "remote_address" varchar(100) null, constraint "audit_entry_pkey" primary key ("id"));`);
    this.addSql(`create index "audit_entry_at_index" on "gateway"."audit_entry" ("at");`);

    this.addSql(`create table "gateway"."app_user" ("id" uuid not null, "email" varchar(320) not null, "password_hash" varchar(300) not null, "role" text check ("role" in ('VIEWER', 'OPERATOR', 'ADMIN')) not null, "disabled" boolean not null default false, "created_at" timestamptz not null, "last_login_at" timestamptz null, constraint "app_user_pkey" primary key ("id"));`);
    this.addSql(`alter table "gateway"."app_user" add constraint "app_user_email_unique" unique ("email");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "gateway"."api_token" cascade;`);

    this.addSql(`drop table if exists "gateway"."audit_entry" cascade;`);

    this.addSql(`drop table if exists "gateway"."app_user" cascade;`);
  }

}
