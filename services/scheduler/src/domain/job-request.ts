/**
 * What a backup request (a trigger, or a schedule) may ask for: for tenant backups, either every
 * active tenant or a list of tenants that exist. Every refusal is BAD_USER_INPUT naming the field.
 */
import { LifeboatError } from '@lifeboat/errors';
import type { BackupType } from '@lifeboat/vocabulary';
import type { TenantCheck } from './tenant-check';

export interface TenantChoice {
  tenantIds?: string[] | null;
  allTenants?: boolean | null;
}

/** The tenants of a request: a list (checked to exist), or null for every active tenant (or no tenants). */
export async function tenantsOf(type: BackupType, choice: TenantChoice, tenants: TenantCheck): Promise<string[] | null> {
  const named = choice.tenantIds ?? [];
  if (type !== 'TENANT_BACKUP') {
    if (named.length || choice.allTenants) throw new LifeboatError('BAD_USER_INPUT', `tenantIds: a ${type} backup is not per tenant`);
    return null;
  }
  if (choice.allTenants && named.length) throw new LifeboatError('BAD_USER_INPUT', 'tenantIds: give tenantIds or allTenants, not both');
  if (choice.allTenants) return null;
  if (named.length === 0) throw new LifeboatError('BAD_USER_INPUT', 'tenantIds: a TENANT_BACKUP needs tenantIds or allTenants: true');
  const unique = [...new Set(named)];
  await tenants.requireExisting('tenantIds', unique);
  return unique;
}
