/**
 * Tenant restores: FULL (replace the tenant's rows) or MERGE (add the rows that are missing) from
 * one tenant backup or the chosen tenants of a tenant backup job, into the protected database.
 * Each tenant's archive is fetched from its healthiest copy into a spool file; then, in ONE
 * transaction, every tenant's archive is checked against the current schema and applied, and
 * (FULL) the tenant's row counts are compared with the archive's. Any error rolls everything back:
 * nothing changes, and no other tenant's row is ever touched. A dry run does everything but commit.
 */
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { LifeboatError } from '@lifeboat/errors';
import { databaseUrlOf } from '@lifeboat/pg-tools';
import { type TenancySettings, type TenantResult, ident, importTenant, planImport, qualified, readTenantArchive, tenantTables } from '@lifeboat/tenancy';
import type { KnownBackup } from '../repositories/known-backup.entity';
import type { KnownBackupRepository } from '../repositories/known-backup.repository';
import type { RestoreLog } from '../repositories/restore-log.entity';
import type { RestoreLogRepository } from '../repositories/restore-log.repository';
import { type CopyFetcher, fileSink } from './copy-fetcher';
import type { RestoreProgressReporter } from './restore-progress';

export interface TenantRestoreDeps {
  repo: RestoreLogRepository;
  known: KnownBackupRepository;
  fetcher: CopyFetcher;
  sourceUrl: string;
  spoolDir: string;
  settings: TenancySettings;
}

export class TenantRestoreJob {
  constructor(private readonly deps: TenantRestoreDeps) {}

  async run(log: RestoreLog, progress: RestoreProgressReporter, failovers: RestoreLog['failovers']) {
    const { repo, known } = this.deps;
    const backups = await known.getMany(log.backupIds ?? []);
    if (backups.length !== (log.backupIds ?? []).length) throw new LifeboatError('NOT_FOUND', 'a tenant backup of this restore is no longer known');
    await mkdir(this.deps.spoolDir, { recursive: true });
    const spools = new Map(backups.map((b) => [b.id, join(this.deps.spoolDir, `${log.id}-${b.tenantId}.archive`)]));
    try {
      progress.to('fetching');
      progress.totalBytes = backups.reduce((n, b) => n + b.sizeBytes, 0);
      let before = 0;
      const sources: string[] = [];
      for (const backup of backups) {
        const { sink, cleanup } = fileSink(spools.get(backup.id)!);
        const fetched = await this.deps.fetcher.fetch(backup, sink, cleanup, {
          onBytes: (location, bytes) => {
            progress.location = location;
            progress.bytes = before + bytes;
          },
          onFailover: async (f) => {
            failovers.push(f);
            await repo.update(log.id, { failovers });
          },
        });
        before += fetched.bytes;
        sources.push(fetched.location);
      }
      progress.to('restoring', `${log.restoreMode} restore of ${backups.length} tenant(s) into ${log.targetDatabase}`);
      const tenantResults = await this.#apply(log, backups, spools);
      const sourceLocation = [...new Set(sources)].join(', ');
      const total = Object.values(tenantResults).flatMap((t) => Object.values(t));
      const summary = `${log.restoreMode === 'FULL' ? 'replaced' : 'merged'} ${backups.map((b) => b.tenantId).join(', ')}: ${sum(total, 'inserted')} rows inserted, ${sum(total, 'deleted')} deleted, ${sum(total, 'kept')} kept, ${sum(total, 'conflicts')} in conflict`;
      return { sourceLocation, bytes: before, tenantResults, plan: log.dryRun ? `would have ${summary} (rolled back)` : summary };
    } finally {
      await Promise.all([...spools.values()].map((p) => rm(p, { force: true })));
    }
  }

  async #apply(log: RestoreLog, backups: KnownBackup[], spools: Map<string, string>): Promise<Record<string, TenantResult>> {
    const client = new Client({ connectionString: databaseUrlOf(this.deps.sourceUrl, log.targetDatabase!), application_name: 'lifeboat-tenant-restore' });
    await client.connect();
    const results: Record<string, TenantResult> = {};
    try {
      await client.query('begin');
      const current = await tenantTables(client, this.deps.settings.tenantColumn);
      for (const backup of backups) {
        const { header, sections } = await readTenantArchive(createReadStream(spools.get(backup.id)!));
        if (header.tenantId !== backup.tenantId) throw new LifeboatError('RESTORE_FAILED', `backup ${backup.id} holds tenant ${header.tenantId}, not ${backup.tenantId}`);
        const plans = planImport(header, current, log.restoreMode as 'FULL' | 'MERGE');
        const result = await importTenant(client, header, sections, plans, {
          mode: log.restoreMode as 'FULL' | 'MERGE',
          tenantColumn: this.deps.settings.tenantColumn,
          tenantSetting: this.deps.settings.tenantSetting,
        });
        if (log.restoreMode === 'FULL') await this.#checkCounts(client, header.tenantId, plans.map((p) => p.table), result);
        results[header.tenantId] = result;
      }
      await client.query(log.dryRun ? 'rollback' : 'commit');
      return results;
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      await client.end();
    }
  }

  /** After a FULL tenant restore, the tenant has exactly the archive's rows in every table. */
  async #checkCounts(client: Client, tenantId: string, tables: { schema: string; table: string }[], result: TenantResult): Promise<void> {
    const wrong: string[] = [];
    for (const t of tables) {
      const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${ident(t.schema)}.${ident(t.table)} where ${ident(this.deps.settings.tenantColumn)} = $1`, [tenantId]);
      const expected = result[qualified(t)].rows;
      if (Number(rows[0].n) !== expected) wrong.push(`${qualified(t)} expected ${expected}, found ${rows[0].n}`);
    }
    if (wrong.length) throw new LifeboatError('RESTORE_FAILED', `tenant ${tenantId}: row counts differ from the backup: ${wrong.join('; ')}; nothing was changed`);
  }
}

function sum(results: { inserted: number; deleted: number; kept: number; conflicts: number }[], key: 'inserted' | 'deleted' | 'kept' | 'conflicts'): number {
  return results.reduce((n, r) => n + r[key], 0);
}
