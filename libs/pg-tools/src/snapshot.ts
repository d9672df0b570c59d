/**
 * A read-only view of the protected database frozen at one moment: a REPEATABLE READ
 * transaction that exports its snapshot, so that pg_dump (`--snapshot`) and Lifeboat's own
 * queries (exact row counts for the manifest) see exactly the same data. Row security is off:
 * if the role could not read every row, the counts fail loudly instead of coming out short.
 */
import { Client } from 'pg';
import { LifeboatError, messageOf } from '@lifeboat/errors';
import { redactUrl } from './binaries';

export interface TableCount {
  schema: string;
  table: string;
  rows: number;
}

export interface ServerFacts {
  /** e.g. "15.19 (Debian 15.19-0+deb12u1)" */
  serverVersion: string;
  serverVersionNum: number;
  database: string;
  /** Total size of the database on disk, bytes (an estimate of the work, not of the dump). */
  sizeBytes: number;
}

export class SnapshotSession {
  private constructor(
    private readonly client: Client,
    readonly snapshotId: string,
  ) {}

  static async open(databaseUrl: string): Promise<SnapshotSession> {
    const client = new Client({ connectionString: databaseUrl, application_name: 'lifeboat-snapshot' });
    try {
      await client.connect();
    } catch (err) {
      throw new LifeboatError('DEPENDENCY_UNAVAILABLE', `cannot connect to the protected database ${redactUrl(databaseUrl)}: ${messageOf(err)}`, {
        cause: err,
        hint: 'check LIFEBOAT_SOURCE_DATABASE_URL and that the server accepts connections',
      });
    }
    try {
      await client.query('begin transaction isolation level repeatable read read only');
      await client.query('set local row_security = off');
      const { rows } = await client.query<{ id: string }>('select pg_export_snapshot() as id');
      return new SnapshotSession(client, rows[0].id);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
  }

  async facts(): Promise<ServerFacts> {
    const { rows } = await this.client.query<{ version: string; num: string; db: string; size: string }>(
      `select current_setting('server_version') as version, current_setting('server_version_num') as num,
              current_database() as db, pg_database_size(current_database()) as size`,
    );
    return { serverVersion: rows[0].version, serverVersionNum: Number(rows[0].num), database: rows[0].db, sizeBytes: Number(rows[0].size) };
  }

  /** Runs queries in the snapshot's transaction (read only, row security off). */
  async run<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    return fn(this.client);
  }

  /** Exact row counts of every ordinary table outside the system schemas, in the snapshot. */
  async countRows(): Promise<TableCount[]> {
    return countRows(this.client);
  }

  async close(): Promise<void> {
    await this.client.query('rollback').catch(() => undefined);
    await this.client.end().catch(() => undefined);
  }
}

/** Exact row counts of every ordinary table (leaf partitions included) outside the system schemas. */
export async function countRows(client: Client): Promise<TableCount[]> {
  const { rows: tables } = await client.query<{ schema: string; table: string }>(
    `select n.nspname as schema, c.relname as table
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
        and n.nspname not like 'pg_temp%'
      order by 1, 2`,
  );
  const out: TableCount[] = [];
  for (const t of tables) {
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${quoteIdent(t.schema)}.${quoteIdent(t.table)}`);
    out.push({ schema: t.schema, table: t.table, rows: Number(rows[0].n) });
  }
  return out;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
