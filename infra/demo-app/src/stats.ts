/** Row counts of the demo database: per table, and how rows spread over tenants. */
import { withClient } from './client';
import { assertBypassesRls, TENANT_TABLES, type TenantTable } from './schema';

export interface TenantRows {
  tenantId: string;
  rows: number;
}

export interface DemoStats {
  tables: Record<'tenants' | TenantTable, number>;
  tenants: { total: number; active: number; inactive: number };
  /** Rows of all tenant tables per tenant; absent when there are no tenants. */
  rowsPerTenant?: { smallest: TenantRows; median: number; largest: TenantRows };
}

/** Counts every row (a full scan of each table), so it needs a role that bypasses row-level security. */
export async function demoStats(databaseUrl: string): Promise<DemoStats> {
  return withClient(databaseUrl, async (client) => {
    await assertBypassesRls(client, 'counting rows');
    const perTable = TENANT_TABLES.map((t) => `select '${t}' as table_name, tenant_id, count(*) as n from ${t} group by tenant_id`).join('\nunion all\n');
    const counts = await client.query<{ table_name: TenantTable; tenant_id: string; n: string }>(perTable);
    const tenants = await client.query<{ id: string; active: boolean }>('select id, active from tenants order by id');

    const tables = Object.fromEntries(['tenants', ...TENANT_TABLES].map((t) => [t, 0])) as DemoStats['tables'];
    tables.tenants = tenants.rows.length;
    const byTenant = new Map<string, number>(tenants.rows.map((t) => [t.id, 0]));
    for (const c of counts.rows) {
      tables[c.table_name] += Number(c.n);
      byTenant.set(c.tenant_id, (byTenant.get(c.tenant_id) ?? 0) + Number(c.n));
    }
    const active = tenants.rows.filter((t) => t.active).length;
    const sorted = [...byTenant].map(([tenantId, rows]) => ({ tenantId, rows })).sort((a, b) => a.rows - b.rows || a.tenantId.localeCompare(b.tenantId));
    return {
      tables,
      tenants: { total: tenants.rows.length, active, inactive: tenants.rows.length - active },
      rowsPerTenant: sorted.length ? { smallest: sorted[0], median: sorted[Math.floor(sorted.length / 2)].rows, largest: sorted[sorted.length - 1] } : undefined,
    };
  });
}
