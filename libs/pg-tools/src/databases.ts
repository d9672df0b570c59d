/**
 * Database-level operations on a server (create, drop, swap names), through its maintenance
 * database. The swap renames both databases in one transaction, after closing connections to the
 * one being replaced and refusing new ones, so clients see either the old database or the new.
 */
import { Client } from 'pg';
import { LifeboatError, messageOf } from '@lifeboat/errors';
import { redactUrl } from './binaries';
import { quoteIdent } from './snapshot';

/** PostgreSQL's limit on identifiers. */
export const MAX_DATABASE_NAME = 63;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkDatabaseName(name: string): void {
  if (!NAME.test(name) || Buffer.byteLength(name) > MAX_DATABASE_NAME) {
    throw new LifeboatError('BAD_USER_INPUT', `"${name}" is not a usable database name: letters, digits and _, starting with a letter or _, at most ${MAX_DATABASE_NAME} bytes`);
  }
}

/** The URL of another database on the same server. */
export function databaseUrlOf(serverUrl: string, database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

export class DatabaseServer {
  constructor(private readonly anyUrl: string) {}

  async #withMaintenance<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: databaseUrlOf(this.anyUrl, 'postgres'), application_name: 'lifeboat-restore' });
    try {
      await client.connect();
    } catch (err) {
      throw new LifeboatError('DEPENDENCY_UNAVAILABLE', `cannot connect to the database server ${redactUrl(this.anyUrl)}: ${messageOf(err)}`, { cause: err });
    }
    try {
      return await fn(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async exists(name: string): Promise<boolean> {
    return this.#withMaintenance(async (c) => (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1);
  }

  /** The server's data directory, when this role may see it (a superuser or pg_read_all_settings). */
  async dataDirectory(): Promise<string | undefined> {
    return this.#withMaintenance(async (c) => {
      try {
        return (await c.query<{ data_directory: string }>('show data_directory')).rows[0].data_directory;
      } catch {
        return undefined;
      }
    });
  }

  async create(name: string): Promise<void> {
    checkDatabaseName(name);
    await this.#withMaintenance(async (c) => {
      try {
        await c.query(`create database ${quoteIdent(name)}`);
      } catch (err) {
        if ((err as { code?: string }).code === '42P04') throw new LifeboatError('CONFLICT', `database ${name} already exists`);
        throw err;
      }
    });
  }

  /** Drops a database, closing its connections first; dropping one that is gone succeeds. */
  async drop(name: string): Promise<void> {
    await this.#withMaintenance((c) => c.query(`drop database if exists ${quoteIdent(name)} with (force)`));
  }

  /**
   * Puts `replacement` in place of `target` and keeps `target` aside as `aside`, in one
   * transaction. Connections to `target` are closed first; `aside` refuses new connections.
   */
  async swap(target: string, replacement: string, aside: string): Promise<void> {
    for (const n of [target, replacement, aside]) checkDatabaseName(n);
    await this.#withMaintenance(async (c) => {
      await c.query(`alter database ${quoteIdent(target)} with allow_connections false`);
      try {
        await c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [target]);
        await c.query('begin');
        await c.query(`alter database ${quoteIdent(target)} rename to ${quoteIdent(aside)}`);
        await c.query(`alter database ${quoteIdent(replacement)} rename to ${quoteIdent(target)}`);
        await c.query('commit');
      } catch (err) {
        await c.query('rollback').catch(() => undefined);
        await c.query(`alter database ${quoteIdent(target)} with allow_connections true`).catch(() => undefined);
        throw new LifeboatError('RESTORE_FAILED', `could not put the restored database in place of ${target}: ${messageOf(err)}; ${target} is unchanged`, { cause: err });
      }
    });
  }
}
