/** `tenants`: every tenant of the protected database, its size and its latest backup. */
import { Authorized, Query, Resolver } from 'type-graphql';
import { Client } from 'pg';
import { type TenancySettings, listTenants, tenantRowCounts, tenantTables } from '@lifeboat/tenancy';
import type { BackupRepository } from '../repositories/backup.repository';
import { TenantView } from '../schema/tenant.type';

/** Counting every tenant's rows scans every tenant table: done at most this often. */
const COUNT_TTL_MS = 30_000;

@Resolver()
export class TenantResolver {
  #counted?: { at: Date; rows: Map<string, number> };

  constructor(
    private readonly sourceUrl: string,
    private readonly settings: TenancySettings,
    private readonly repo: BackupRepository,
  ) {}

  @Authorized()
  @Query(() => [TenantView], { description: 'The tenants of the protected database (LIFEBOAT_TENANT_QUERY)' })
  async tenants(): Promise<TenantView[]> {
    const client = new Client({ connectionString: this.sourceUrl, application_name: 'lifeboat-tenants' });
    await client.connect();
    try {
      await client.query('set row_security = off');
      const tenants = await listTenants(client, this.settings);
      if (!this.#counted || Date.now() - this.#counted.at.getTime() > COUNT_TTL_MS) {
        this.#counted = { at: new Date(), rows: await tenantRowCounts(client, await tenantTables(client, this.settings.tenantColumn), this.settings.tenantColumn) };
      }
      const latest = await this.repo.latestTenantBackups(tenants.map((t) => t.id));
      const counted = this.#counted;
      return tenants.map((t) => ({ ...t, rows: counted.rows.get(t.id) ?? 0, rowsCountedAt: counted.at, lastBackup: latest.get(t.id) ?? null }));
    } finally {
      await client.end();
    }
  }
}
