/**
 * Exports tenants of the protected database, each into a tenant archive, all from one moment: a
 * coordinator transaction exports a snapshot, and every tenant is read in a REPEATABLE READ
 * transaction that imports it, as the export role (which must not bypass row-level security) with
 * the tenant setting made, and with the tenant column filtered too — two safeguards, each enough
 * on its own — then checked row by row (see archive.ts). Connections are pooled, `concurrency` at a time.
 */
import type { Readable } from 'node:stream';
import { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { LifeboatError, messageOf } from '@lifeboat/errors';
import { type ServerFacts, SnapshotSession, redactUrl } from '@lifeboat/pg-tools';
import { type ArchiveHeader, writeTenantArchive } from './archive';
import { type TenancySettings, type TenantTable, ident, tenantTables } from './directory';

export interface TenantExport {
  header: ArchiveHeader;
  /** The archive; reading it to the end commits the tenant's transaction. */
  archive: Readable;
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export class TenantExporter {
  readonly #idle: Client[] = [];
  readonly #waiting: ((c: Client) => void)[] = [];
  #opened = 0;
  #closed = false;
  readonly #releasing = new Set<Promise<void>>();

  private constructor(
    private readonly databaseUrl: string,
    private readonly settings: TenancySettings,
    private readonly exportRole: string,
    private readonly concurrency: number,
    private readonly session: SnapshotSession,
    readonly tables: TenantTable[],
    readonly facts: ServerFacts,
  ) {}

  /** Opens the snapshot, finds the tenant tables and checks the export role. */
  static async open(databaseUrl: string, settings: TenancySettings, exportRole: string, concurrency: number): Promise<TenantExporter> {
    const session = await SnapshotSession.open(databaseUrl);
    try {
      const tables = await session.run((client) => tenantTables(client, settings.tenantColumn));
      if (tables.length === 0) {
        throw new LifeboatError('CONFIG_INVALID', `no table of the protected database has the tenant column ${settings.tenantColumn}`, { hint: 'check LIFEBOAT_TENANT_COLUMN' });
      }
      const { rows } = await session.run((c) => c.query<{ rolsuper: boolean; rolbypassrls: boolean }>('select rolsuper, rolbypassrls from pg_roles where rolname = $1', [exportRole]));
      if (rows.length === 0) throw new LifeboatError('CONFIG_INVALID', `the export role ${exportRole} does not exist`, { hint: 'create it (SELECT on the tenant tables, NOBYPASSRLS) or set LIFEBOAT_TENANT_EXPORT_ROLE' });
      if (rows[0].rolsuper || rows[0].rolbypassrls) {
        throw new LifeboatError('CONFIG_INVALID', `the export role ${exportRole} bypasses row-level security; tenant exports must be subject to it`, { hint: 'use a role that is neither superuser nor BYPASSRLS' });
      }
      return new TenantExporter(databaseUrl, settings, exportRole, concurrency, session, tables, await session.facts());
    } catch (err) {
      await session.close();
      throw err;
    }
  }

  /** Exports one tenant. The archive must be read to the end (or destroyed) to free its connection. */
  async export(tenantId: string): Promise<TenantExport> {
    const client = await this.#acquire();
    let released = false;
    const release = (commit: boolean): Promise<void> => {
      if (released) return Promise.resolve();
      released = true;
      const releasing = (async () => {
        if (commit) {
          await client.query('commit').catch(() => undefined);
          this.#release(client);
        } else {
          // A connection left in the middle of a COPY cannot be trusted again: close it.
          this.#discard(client);
        }
      })();
      // close() waits for it: the archive's reader may close the exporter while the commit runs.
      this.#releasing.add(releasing);
      return releasing.finally(() => this.#releasing.delete(releasing));
    };
    try {
      // One round trip for the transaction's setup and one for every table's count: a job runs
      // this for each of thousands of tenants.
      await client.query(
        [
          'begin transaction isolation level repeatable read read only',
          `set transaction snapshot ${literal(this.session.snapshotId)}`,
          `set local role ${ident(this.exportRole)}`,
          `select set_config(${literal(this.settings.tenantSetting)}, ${literal(tenantId)}, true)`,
        ].join('; '),
      );
      const column = ident(this.settings.tenantColumn);
      const counts = this.tables.map((t, i) => `(select count(*) from ${ident(t.schema)}.${ident(t.table)} where ${column} = $1) as c${i}`);
      const { rows } = await client.query<Record<string, string>>(`select ${counts.join(', ')}`, [tenantId]);
      const tables: ArchiveHeader['tables'] = this.tables.map((t, i) => ({ ...t, rows: Number(rows[0][`c${i}`]) }));
      const header: ArchiveHeader = { tenantId, tenantColumn: this.settings.tenantColumn, exportedAt: new Date().toISOString(), tables };
      const archive = writeTenantArchive(header, async (index) => {
        const t = tables[index];
        const columns = t.columns.map((c) => ident(c.name)).join(', ');
        const order = t.primaryKey.length ? ` order by ${t.primaryKey.map(ident).join(', ')}` : '';
        return client.query(copyTo(`copy (select ${columns} from ${ident(t.schema)}.${ident(t.table)} where ${column} = ${literal(tenantId)}${order}) to stdout`));
      });
      archive.once('end', () => void release(true));
      archive.once('close', () => void release(false));
      return { header, archive };
    } catch (err) {
      await release(false);
      throw new LifeboatError('BACKUP_FAILED', `could not start the export of tenant ${tenantId}: ${messageOf(err)}`, { cause: err });
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.session.close();
    await Promise.all([...this.#releasing]);
    await Promise.all(this.#idle.splice(0).map((c) => c.end().catch(() => undefined)));
  }

  async #acquire(): Promise<Client> {
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#opened < this.concurrency) {
      this.#opened++;
      const client = new Client({ connectionString: this.databaseUrl, application_name: 'lifeboat-tenant-export' });
      try {
        await client.connect();
      } catch (err) {
        this.#opened--;
        throw new LifeboatError('DEPENDENCY_UNAVAILABLE', `cannot connect to the protected database ${redactUrl(this.databaseUrl)}: ${messageOf(err)}`, { cause: err });
      }
      return client;
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #discard(client: Client): void {
    this.#opened--;
    void client.end().catch(() => undefined);
    const waiter = this.#waiting.shift();
    if (waiter) void this.#acquire().then(waiter);
  }

  #release(client: Client): void {
    const waiter = this.#waiting.shift();
    if (waiter) waiter(client);
    else if (this.#closed) void client.end().catch(() => undefined);
    else this.#idle.push(client);
  }
}
