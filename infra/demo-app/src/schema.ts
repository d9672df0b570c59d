/**
 * The demo database's schema (sql/schema.sql): its tables in foreign-key order, its roles, and
 * applying or resetting it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Client } from 'pg';
import { inTransaction, withClient } from './client';

/**
 * Every table holding tenant rows (each has `tenant_id`), parents before children: inserting in
 * this order, or deleting in the reverse order, never breaks a foreign key. `tenants` itself
 * (keyed on `id`) precedes them all.
 */
export const TENANT_TABLES = [
  'warehouses',
  'products',
  'customers',
  'contacts',
  'activities',
  'orders',
  'order_lines',
  'stock_movements',
  'accounts',
  'invoices',
  'ledger_entries',
  'load_marks',
] as const;
export type TenantTable = (typeof TENANT_TABLES)[number];

/**
 * Cluster-global LOGIN roles without a password and without BYPASSRLS: `app` may read and write
 * every table, `export` may only read; both see only the rows of `app.current_tenant`.
 */
export const DEMO_ROLES = { app: 'demo_app', export: 'demo_export' } as const;

const SCHEMA_FILE = path.resolve(__dirname, '..', '..', 'sql', 'schema.sql');
/** Serialises appliers on one database; any constant unlikely to be used elsewhere. */
const APPLY_LOCK = 0x6c62_6465;

/**
 * Creates whatever of the schema and roles is missing, in one transaction. Idempotent: re-running
 * it changes no data, and concurrent calls (on one database or several) all succeed. Needs a
 * role that can create roles and tables (the cluster's superuser on a test machine).
 */
export async function applySchema(databaseUrl: string): Promise<void> {
  await runLocked(databaseUrl, await readFile(SCHEMA_FILE, 'utf8'));
}

/** Drops every demo table with its data and creates them again, in one transaction. The roles stay. */
export async function resetSchema(databaseUrl: string): Promise<void> {
  const tables = ['tenants', ...TENANT_TABLES].reverse().join(', ');
  await runLocked(databaseUrl, `drop table if exists ${tables} cascade;\n${await readFile(SCHEMA_FILE, 'utf8')}`);
}

async function runLocked(databaseUrl: string, sql: string): Promise<void> {
  await withClient(databaseUrl, (client) =>
    inTransaction(client, async () => {
      await client.query('set local client_min_messages = warning');
      await client.query('select pg_advisory_xact_lock($1)', [APPLY_LOCK]);
      await client.query(sql);
    }),
  );
}

/** Throws unless the session's role sees every tenant (a superuser or a BYPASSRLS role). */
export async function assertBypassesRls(client: Client, task: string): Promise<{ superuser: boolean }> {
  const { rows } = await client.query<{ superuser: boolean; bypass: boolean }>('select rolsuper as superuser, rolbypassrls as bypass from pg_roles where rolname = current_user');
  if (!rows[0]?.superuser && !rows[0]?.bypass) {
    throw new Error(`${task} works on every tenant at once and needs a role that bypasses row-level security. HINT: connect as a superuser or a BYPASSRLS role (e.g. postgres).`);
  }
  return { superuser: rows[0].superuser };
}
