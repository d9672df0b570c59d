/** Whether the tenants a request names exist in the protected database. */
import { Client } from 'pg';
import { LifeboatError, messageOf } from '@lifeboat/errors';
import { redactUrl } from '@lifeboat/pg-tools';
import { type TenancySettings, listTenants } from '@lifeboat/tenancy';

export class TenantCheck {
  constructor(
    private readonly sourceUrl: string,
    private readonly settings: TenancySettings,
  ) {}

  /** Rejects with BAD_USER_INPUT naming the tenants that do not exist. */
  async requireExisting(field: string, tenantIds: string[]): Promise<void> {
    const client = new Client({ connectionString: this.sourceUrl, application_name: 'lifeboat-scheduler' });
    try {
      await client.connect();
    } catch (err) {
      throw new LifeboatError('DEPENDENCY_UNAVAILABLE', `cannot reach the protected database ${redactUrl(this.sourceUrl)} to check the tenants: ${messageOf(err)}`);
    }
    try {
      const known = new Set((await listTenants(client, this.settings)).map((t) => t.id));
      const unknown = tenantIds.filter((t) => !known.has(t));
      if (unknown.length) throw new LifeboatError('BAD_USER_INPUT', `${field}: no such tenant: ${unknown.join(', ')}`);
    } finally {
      await client.end();
    }
  }
}
