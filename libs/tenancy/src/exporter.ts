/**
 * Exports tenants of the protected database, each into a tenant archive, all from one moment: a
 * coordinator transaction exports a snapshot, and every tenant is read in a REPEATABLE READ
 * transaction that imports it, as the export role (which must not bypass row-level security) with
 * the tenant setting made, and with the tenant column filtered too — two safeguards, each enough
 * on its own — then checked row by row (see archive.ts). Connections are pooled, `concurrency` at a time.
 */
import type { Readable } from 'node:stream';
import { Client } from 'pg';
import { LifeboatError, messageOf } from '@lifeboat/errors';
import { type ServerFacts, type SimpleQueryEvent, SimpleQueryStream, SnapshotSession, redactUrl } from '@lifeboat/pg-tools';
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
    const column = ident(this.settings.tenantColumn);
    const tenant = literal(tenantId);
    const from = (t: TenantTable) => `${ident(t.schema)}.${ident(t.table)} where ${column} = ${tenant}`;
    // The whole export in one round trip (a job runs it for each of thousands of tenants): the
    // transaction and its settings, every table's count (first: the archive's header holds them),
    // a COPY per table, the commit.
    const response = client.query(
      new SimpleQueryStream(
        [
          'begin transaction isolation level repeatable read read only',
          `set transaction snapshot ${literal(this.session.snapshotId)}`,
          `set local role ${ident(this.exportRole)}`,
          `select set_config(${literal(this.settings.tenantSetting)}, ${tenant}, true)`,
          `select ${this.tables.map((t) => `(select count(*) from ${from(t)})`).join(', ')}`,
          ...this.tables.map((t) => {
            const order = t.primaryKey.length ? ` order by ${t.primaryKey.map(ident).join(', ')}` : '';
            return `copy (select ${t.columns.map((c) => ident(c.name)).join(', ')} from ${from(t)}${order}) to stdout`;
          }),
          'commit',
        ].join('; '),
      ),
    );
    const events = response[Symbol.asyncIterator]() as AsyncIterator<SimpleQueryEvent>;
    const next = async (): Promise<SimpleQueryEvent> => {
      const r = await events.next();
      if (r.done) throw new LifeboatError('BACKUP_FAILED', `the export of tenant ${tenantId} ended early`);
      return r.value;
    };
    let released = false;
    const release = (finished: boolean): Promise<void> => {
      if (released) return Promise.resolve();
      released = true;
      const releasing = (async () => {
        try {
          // Read to the end: the commit, then the server ready for the next query.
          if (!finished) throw new Error('given up');
          while (!(await events.next()).done);
          this.#release(client);
        } catch {
          // A connection left in the middle of a response cannot be trusted again: close it
          // (ended first, so that the client takes the socket's end for the one it asked for).
          this.#discard(client);
          response.destroy();
        }
      })();
      // close() waits for it: the archive's reader may close the exporter while it runs.
      this.#releasing.add(releasing);
      return releasing.finally(() => this.#releasing.delete(releasing));
    };
    try {
      // Two rows come before the first COPY: set_config's, then the counts.
      const rows: (string | null)[][] = [];
      while (rows.length < 2) {
        const e = await next();
        if (e.kind === 'row') rows.push(e.values);
      }
      const tables: ArchiveHeader['tables'] = this.tables.map((t, i) => ({ ...t, rows: Number(rows[1][i]) }));
      const header: ArchiveHeader = { tenantId, tenantColumn: this.settings.tenantColumn, exportedAt: new Date().toISOString(), tables };
      // Each table's COPY, in the order sent: the archive reads them one after the other.
      const archive = writeTenantArchive(header, async () =>
        (async function* () {
          let e = await next();
          while (e.kind !== 'copy') e = await next();
          for (e = await next(); e.kind !== 'done'; e = await next()) if (e.kind === 'data') yield e.chunk;
        })(),
      );
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
      // A connection lost while idle in the pool fails the next export that takes it, with the
      // reason; without a listener, the client's 'error' event would end the process.
      client.on('error', () => undefined);
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
