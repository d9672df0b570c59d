/** The tenancy settings as configuration, shared by every service that deals with tenants. */
import { type ConfigOf, int, str } from '@lifeboat/config';
import type { TenancySettings } from './directory';

export const tenancyOptions = {
  LIFEBOAT_TENANT_QUERY: str({
    description: 'Query listing the tenants of the protected database: columns id, name, active (active ones are backed up by "all tenants")',
    default: 'select id, name, active from tenants order by id',
  }),
  LIFEBOAT_TENANT_COLUMN: str({ description: 'The column holding the tenant id in every tenant table', default: 'tenant_id', pattern: /^[A-Za-z_][A-Za-z0-9_]*$/ }),
  LIFEBOAT_TENANT_SETTING: str({ description: 'The session setting the row-level security policies read', default: 'app.current_tenant', pattern: /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/ }),
  LIFEBOAT_TENANT_EXPORT_ROLE: str({ description: 'The role tenant exports run as: SELECT on the tenant tables, subject to RLS (not superuser, not BYPASSRLS)', default: 'demo_export' }),
  LIFEBOAT_TENANT_BACKUP_CONCURRENCY: int({ description: 'Tenants exported at once within a tenant backup job', default: 4, min: 1, max: 64 }),
};

export function tenancySettingsOf(config: ConfigOf<typeof tenancyOptions>): TenancySettings {
  return { tenantQuery: config.LIFEBOAT_TENANT_QUERY, tenantColumn: config.LIFEBOAT_TENANT_COLUMN, tenantSetting: config.LIFEBOAT_TENANT_SETTING };
}
