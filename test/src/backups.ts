/** Helpers for tests that make backups through the gateway and look at what came out. */
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { createDecompressStream, createDecryptStream, keyringFromEnv } from '@lifeboat/artifact';
import { countRows } from '@lifeboat/pg-tools';
import { type Storage, loadLocations, openLocations } from '@lifeboat/storage';
import { eventually } from '@lifeboat/testkit';
import type { System } from './system';

export interface CopyView {
  location: string;
  path: string;
  status: string;
  checksum: string | null;
  sizeBytes: number | null;
  lastError: string | null;
}

export interface BackupView {
  id: string;
  type: string;
  tenantId: string | null;
  status: string;
  filename: string;
  sizeBytes: number | null;
  originalSizeBytes: number | null;
  checksum: string | null;
  compressionRatio: number | null;
  durationSeconds: number | null;
  error: string | null;
  keyId: string | null;
  completedAt: string | null;
  verifiedAt: string | null;
  copies: CopyView[];
}

export const BACKUP_FIELDS = `id type tenantId status filename sizeBytes originalSizeBytes checksum compressionRatio durationSeconds error keyId completedAt verifiedAt
  copies { location path status checksum sizeBytes lastError }`;

export async function triggerFull(sys: System, token: string): Promise<string> {
  return triggerJob(sys, token, 'FULL_DATABASE');
}

/** Starts a job of this type now (of these tenants, for TENANT_BACKUP); its id. */
export async function triggerJob(sys: System, token: string, type: string, tenantIds?: string[]): Promise<string> {
  const r = await sys.graphql<{ triggerBackup: { id: string } }>(
    `mutation ($ids: [String!]) { triggerBackup(input: { type: ${type}, tenantIds: $ids }) { id status } }`,
    { ids: tenantIds ?? null },
    token,
  );
  if (!r.data) throw new Error(`triggerBackup failed: ${JSON.stringify(r.errors)}`);
  return r.data.triggerBackup.id;
}

export async function jobOf(sys: System, token: string, jobId: string) {
  const r = await sys.graphql<{ backupJob: { id: string; status: string; message: string | null; backups: BackupView[] } }>(
    `query ($id: ID!) { backupJob(id: $id) { id status message backups { ${BACKUP_FIELDS} } } }`,
    { id: jobId },
    token,
  );
  if (!r.data?.backupJob) throw new Error(`backupJob failed: ${JSON.stringify(r.errors)}`);
  return r.data.backupJob;
}

/** Waits until the job's backup reaches one of `statuses` and returns it. */
export async function waitForBackup(sys: System, token: string, jobId: string, statuses: string[], timeoutMs = 60_000): Promise<BackupView> {
  return eventually(
    `job ${jobId} to have a backup in ${statuses.join('/')}`,
    async () => (await jobOf(sys, token, jobId)).backups.find((b) => statuses.includes(b.status)),
    timeoutMs,
    250,
  );
}

export function locationsOf(sys: System): Storage[] {
  return openLocations(loadLocations(sys.env));
}

/** Decrypts and decompresses an artifact from a location into a file. */
export async function decryptTo(sys: System, location: Storage, key: string, file: string): Promise<void> {
  await pipeline(await location.load(key), createDecryptStream(keyringFromEnv(sys.env)), createDecompressStream(), createWriteStream(file));
}

export function pgRestore(dumpFile: string, databaseUrl: string): void {
  const r = spawnSync('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${databaseUrl}`, dumpFile], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pg_restore failed: ${r.stderr}`);
}

export async function rowCounts(databaseUrl: string): Promise<Record<string, number>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('set row_security = off');
    return Object.fromEntries((await countRows(client)).map((t) => [`${t.schema}.${t.table}`, t.rows]));
  } finally {
    await client.end();
  }
}
