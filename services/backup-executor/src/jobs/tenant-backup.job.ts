/**
 * The weekly per-tenant backup: every tenant of a job exported from one snapshot (see
 * TenantExporter: as a role subject to row-level security, with the tenant setting made and the
 * tenant column filtered, every row checked) into its own tenant archive, stored through the
 * shared backup pipeline and tagged with the tenant id. A bounded number of tenants run at once;
 * one tenant's failure is recorded on its backup and does not stop the others.
 */
import { Client } from 'pg';
import { LifeboatError, messageOf } from '@lifeboat/errors';
import { databaseNameOf } from '@lifeboat/pg-tools';
import { type TenancySettings, TenantExporter, listTenants } from '@lifeboat/tenancy';
import type { Backup } from '../repositories/backup.entity';
import type { BackupRecorder } from './backup-recorder';

export interface TenantBackupDeps {
  recorder: BackupRecorder;
  sourceUrl: string;
  settings: TenancySettings;
  exportRole: string;
  concurrency: number;
  level: number;
}

export class TenantBackupJob {
  constructor(private readonly deps: TenantBackupDeps) {}

  /** The tenants a job means: those named, or every active one. Unknown names are reported, not backed up. */
  async resolve(tenantIds: string[] | null): Promise<{ tenants: string[]; unknown: string[] }> {
    const client = new Client({ connectionString: this.deps.sourceUrl });
    await client.connect();
    try {
      const all = await listTenants(client, this.deps.settings);
      if (!tenantIds) return { tenants: all.filter((t) => t.active).map((t) => t.id), unknown: [] };
      const known = new Set(all.map((t) => t.id));
      return { tenants: tenantIds.filter((t) => known.has(t)), unknown: tenantIds.filter((t) => !known.has(t)) };
    } finally {
      await client.end();
    }
  }

  /** Backs up each tenant; resolves with every backup made (COMPLETED or FAILED). */
  async run(jobId: string, tenants: string[]): Promise<Backup[]> {
    const exporter = await TenantExporter.open(this.deps.sourceUrl, this.deps.settings, this.deps.exportRole, this.deps.concurrency);
    const results: Backup[] = [];
    try {
      const queue = [...tenants];
      const worker = async () => {
        for (let tenant = queue.shift(); tenant !== undefined; tenant = queue.shift()) results.push(await this.#one(exporter, jobId, tenant));
      };
      await Promise.all(Array.from({ length: Math.min(this.deps.concurrency, tenants.length) }, worker));
    } finally {
      await exporter.close();
    }
    return results;
  }

  async #one(exporter: TenantExporter, jobId: string, tenantId: string): Promise<Backup> {
    const { recorder } = this.deps;
    const running = await recorder.begin('TENANT_BACKUP', databaseNameOf(this.deps.sourceUrl), jobId, tenantId);
    try {
      const { header, archive } = await exporter.export(tenantId);
      const stored = await recorder.store(running, archive, { level: this.deps.level, workers: 0 });
      return await recorder.complete(running, stored, {
        compression: { algorithm: 'gzip', level: this.deps.level },
        source: {
          database: exporter.facts.database,
          serverVersion: exporter.facts.serverVersion,
          serverVersionNum: exporter.facts.serverVersionNum,
          tool: 'lifeboat tenant archive 1 (COPY under row-level security)',
          tables: header.tables.map((t) => ({ schema: t.schema, table: t.table, rows: t.rows })),
        },
        details: { tenantColumn: header.tenantColumn, exportedAt: header.exportedAt },
      });
    } catch (err) {
      return await recorder.fail(running, err instanceof LifeboatError ? err : new LifeboatError('BACKUP_FAILED', messageOf(err), { cause: err }));
    }
  }
}
