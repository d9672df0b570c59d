/** Helpers for tenant tests: fingerprints of one tenant's rows in every tenant table. */
import { tenantTables } from '@lifeboat/tenancy';
import { withAdmin } from '@lifeboat/testkit';

/** `{ table: "<rows>:<md5 of the rows in key order>" }` for one tenant (row security off). */
export async function tenantFingerprint(databaseUrl: string, tenant: string): Promise<Record<string, string>> {
  return withAdmin(async (c) => {
    await c.query('set row_security = off');
    const out: Record<string, string> = {};
    for (const t of await tenantTables(c, 'tenant_id')) {
      const order = t.primaryKey.map((k) => `"${k}"`).join(', ');
      const { rows } = await c.query(`select md5(coalesce(string_agg(x::text, '|' order by ${order}), '')) as h, count(*) as n from "${t.schema}"."${t.table}" x where tenant_id = $1`, [tenant]);
      out[t.table] = `${rows[0].n}:${rows[0].h}`;
    }
    return out;
  }, databaseUrl);
}

export async function tenantIdsOf(databaseUrl: string): Promise<string[]> {
  return withAdmin(async (c) => (await c.query<{ id: string }>('select id from tenants order by id')).rows.map((r) => r.id), databaseUrl);
}
