/**
 * How Lifeboat sees the tenants of the protected database: the tenants come from a configured
 * query (columns id, name, active), and the tenant tables are every table with the configured
 * tenant column, ordered so that parents come before children (insert in that order, delete in
 * the reverse). Each table's columns, types and primary key are what the tenant archive records.
 */
import { quoteIdent as ident } from '@lifeboat/pg-tools';
import type { Client } from 'pg';
import { LifeboatError, messageOf } from '@lifeboat/errors';

export interface TenancySettings {
  /** A query returning `id`, `name` and `active` for every tenant. */
  tenantQuery: string;
  /** The column holding the tenant id in every tenant table. */
  tenantColumn: string;
  /** The session setting the row-level security policies read, e.g. `app.current_tenant`. */
  tenantSetting: string;
}

export interface TenantInfo {
  id: string;
  name: string;
  active: boolean;
}

export interface ColumnInfo {
  name: string;
  /** As `format_type` prints it, e.g. `numeric(12,2)`, `text[]`. */
  type: string;
  notNull: boolean;
  hasDefault: boolean;
}

export interface TenantTable {
  schema: string;
  table: string;
  columns: ColumnInfo[];
  primaryKey: string[];
}

export function qualified(t: { schema: string; table: string }): string {
  return `${t.schema}.${t.table}`;
}

export async function listTenants(client: Client, settings: TenancySettings): Promise<TenantInfo[]> {
  let rows: Record<string, unknown>[];
  try {
    ({ rows } = await client.query(settings.tenantQuery));
  } catch (err) {
    throw new LifeboatError('CONFIG_INVALID', `the tenant query failed: ${messageOf(err)}`, { hint: 'check LIFEBOAT_TENANT_QUERY (it must return id, name and active)' });
  }
  return rows.map((r) => {
    if (r.id === undefined || r.id === null) throw new LifeboatError('CONFIG_INVALID', 'the tenant query must return an id column', { hint: 'check LIFEBOAT_TENANT_QUERY' });
    return { id: String(r.id), name: r.name === undefined || r.name === null ? String(r.id) : String(r.name), active: r.active === undefined ? true : r.active === true };
  });
}

/** Every table with the tenant column, parents before children. */
export async function tenantTables(client: Client, tenantColumn: string): Promise<TenantTable[]> {
  const { rows: cols } = await client.query<{ schema: string; table: string; oid: number; name: string; type: string; not_null: boolean; has_default: boolean }>(
    `select n.nspname as schema, c.relname as table, c.oid, a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
            a.attnotnull as not_null, (a.atthasdef or a.attidentity <> '') as has_default
       from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid
      where c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
        and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_%'
        and exists (select 1 from pg_attribute t where t.attrelid = c.oid and t.attname = $1 and not t.attisdropped)
      order by 1, 2, a.attnum`,
    [tenantColumn],
  );
  const byOid = new Map<number, TenantTable>();
  for (const c of cols) {
    let t = byOid.get(c.oid);
    if (!t) byOid.set(c.oid, (t = { schema: c.schema, table: c.table, columns: [], primaryKey: [] }));
    t.columns.push({ name: c.name, type: c.type, notNull: c.not_null, hasDefault: c.has_default });
  }
  const { rows: keys } = await client.query<{ oid: number; name: string }>(
    `select i.indrelid as oid, a.attname as name from pg_index i
       join lateral unnest(i.indkey) with ordinality k(attnum, n) on true
       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
      where i.indisprimary and i.indrelid = any($1) order by i.indrelid, k.n`,
    [[...byOid.keys()]],
  );
  for (const k of keys) byOid.get(k.oid)!.primaryKey.push(k.name);
  const { rows: fks } = await client.query<{ child: number; parent: number }>(
    `select conrelid as child, confrelid as parent from pg_constraint where contype = 'f' and conrelid = any($1) and confrelid = any($1) and conrelid <> confrelid`,
    [[...byOid.keys()]],
  );
  return topologicalOrder(byOid, fks);
}

function topologicalOrder(tables: Map<number, TenantTable>, fks: { child: number; parent: number }[]): TenantTable[] {
  const ordered: TenantTable[] = [];
  const placed = new Set<number>();
  const remaining = [...tables.keys()];
  while (remaining.length) {
    const ready = remaining.filter((oid) => fks.every((f) => f.child !== oid || placed.has(f.parent)));
    if (ready.length === 0) {
      throw new LifeboatError('BAD_USER_INPUT', `the tenant tables' foreign keys form a cycle: ${remaining.map((o) => qualified(tables.get(o)!)).join(', ')}`);
    }
    for (const oid of ready) {
      placed.add(oid);
      ordered.push(tables.get(oid)!);
      remaining.splice(remaining.indexOf(oid), 1);
    }
  }
  return ordered;
}

/** Rows per tenant over every tenant table (row security off: the whole picture). */
export async function tenantRowCounts(client: Client, tables: TenantTable[], tenantColumn: string): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (const t of tables) {
    const { rows } = await client.query<{ tenant: string; n: string }>(`select ${ident(tenantColumn)}::text as tenant, count(*) as n from ${ident(t.schema)}.${ident(t.table)} group by 1`);
    for (const r of rows) totals.set(r.tenant, (totals.get(r.tenant) ?? 0) + Number(r.n));
  }
  return totals;
}

export { ident };
