/**
 * What a backup request (a trigger, or a schedule) may ask for: a type the executors run, and for
 * tenant backups either every active tenant or a list of tenants that exist. Every refusal is
 * BAD_USER_INPUT naming the field.
 */
import { LifeboatError } from '@lifeboat/errors';
import type { BackupType } from '@lifeboat/vocabulary';
import type { TenantCheck } from './tenant-check';

/** Backup types the executors run (WAL_ARCHIVE: the check that nothing is stuck in the WAL spool). */
export const RUNNABLE_TYPES: readonly BackupType[] = ['FULL_DATABASE', 'BASE_BACKUP', 'TENANT_BACKUP', 'WAL_ARCHIVE', 'CONFIGURATION'];

export interface TenantChoice {
  tenantIds?: string[] | null;
  allTenants?: boolean | null;
}

/** The tenants of a request: a list (checked to exist), or null for every active tenant (or no tenants). */
export async function tenantsOf(type: BackupType, choice: TenantChoice, tenants: TenantCheck): Promise<string[] | null> {
  if (!RUNNABLE_TYPES.includes(type)) throw new LifeboatError('BAD_USER_INPUT', `type: ${type} backups cannot be requested (runnable: ${RUNNABLE_TYPES.join(', ')})`);
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
