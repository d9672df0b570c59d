/** Where an artifact lives: the same key in every location, readable by a person browsing a bucket. */
import type { BackupType } from '@lifeboat/vocabulary';

const PREFIX: Record<BackupType, string> = {
  FULL_DATABASE: 'full',
  BASE_BACKUP: 'base',
  TENANT_BACKUP: 'tenant',
  WAL_ARCHIVE: 'wal',
  CONFIGURATION: 'config',
};

const EXTENSION: Record<BackupType, string> = {
  FULL_DATABASE: 'pgdump.gz.enc',
  BASE_BACKUP: 'tar.gz.enc',
  TENANT_BACKUP: 'tenant.gz.enc',
  WAL_ARCHIVE: 'wal.gz.enc',
  CONFIGURATION: 'tar.gz.enc',
};

export interface ArtifactName {
  key: string;
  filename: string;
}

/**
 * `full/<source>/2026/11/27/full-<source>-20261127T020000Z-<id8>.pgdump.gz.enc`; a tenant's backup
 * is named after its tenant too, in its source's directory of the day
 * (`tenant/<source>/2026/11/27/tenant-<source>-<tenant>-…`): a job's thousands of tenants share
 * one directory instead of making four each on a disk location.
 */
export function artifactName(type: BackupType, source: string, backupId: string, at: Date, tenantId: string | null = null): ArtifactName {
  const safe = (name: string) => name.replace(/[^A-Za-z0-9_.-]/g, '_');
  const iso = at.toISOString();
  const stamp = `${iso.slice(0, 10).replace(/-/g, '')}T${iso.slice(11, 19).replace(/:/g, '')}Z`;
  const safeSource = safe(source);
  const named = tenantId === null ? safeSource : `${safeSource}-${safe(tenantId)}`;
  const filename = `${PREFIX[type]}-${named}-${stamp}-${backupId.slice(0, 8)}.${EXTENSION[type]}`;
  const day = `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`;
  return { key: `${PREFIX[type]}/${safeSource}/${day}/${filename}`, filename };
}
