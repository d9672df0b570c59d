/**
 * Opens a service's metadata database: creates the database when missing, then its schema, and
 * runs the service's committed migrations under an advisory lock (replicas starting together
 * migrate once). Every service owns exactly one schema and never reads another's.
 */
import { Client } from 'pg';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type { EntityClass, Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import type { MigrationObject } from '@mikro-orm/core';
import { LifeboatError, messageOf } from '@lifeboat/errors';
import { HandledEvent } from './handled-event.entity';
import { Migration20261127000000_handled_events } from './migrations/Migration20261127000000_handled_events';

export interface DatabaseOptions {
  url: string;
  /** The service's schema, e.g. `backup_executor`. */
  schema: string;
  entities: EntityClass<unknown>[];
  /** The service's migrations, oldest first; the shared ones are prepended. */
  migrations: MigrationObject[];
  debug?: boolean;
  /** Where MikroORM's own messages (migrations applied) go; silent when absent. */
  log?: (message: string) => void;
}

export type { EntityManager, MikroORM };

const SHARED_MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261127000000_handled_events', class: Migration20261127000000_handled_events },
];

export function ormOptions(options: DatabaseOptions): Options {
  return {
    clientUrl: options.url,
    schema: options.schema,
    entities: [HandledEvent, ...options.entities],
    extensions: [Migrator],
    debug: options.debug ?? false,
    logger: (message: string) => options.log?.(message),
    colors: false,
    allowGlobalContext: false,
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    migrations: {
      tableName: 'mikro_orm_migrations',
      migrationsList: [...SHARED_MIGRATIONS, ...options.migrations],
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    pool: { min: 0, max: 10 },
    // Unqualified names in migrations and raw SQL resolve to the service's own schema.
    driverOptions: { connection: { options: `-c search_path=${options.schema}` } },
  };
}

export async function openDatabase(options: DatabaseOptions): Promise<MikroORM> {
  await ensureDatabase(options.url);
  let orm: MikroORM;
  try {
    orm = await MikroORM.init(ormOptions(options) as never);
  } catch (err) {
    throw new LifeboatError('DEPENDENCY_UNAVAILABLE', `cannot open the metadata database: ${messageOf(err)}`, { cause: err });
  }
  try {
    await migrate(orm, options.schema);
  } catch (err) {
    await orm.close(true);
    throw err;
  }
  return orm;
}

async function migrate(orm: MikroORM, schema: string): Promise<void> {
  const knex = orm.em.getConnection().getKnex();
  // A session-level advisory lock on one pooled connection serializes replicas that start together.
  const lockClient = await knex.client.acquireConnection();
  const lockKey = `lifeboat-migrate:${schema}`;
  try {
    await lockClient.query('select pg_advisory_lock(hashtext($1))', [lockKey]);
    await lockClient.query(`create schema if not exists "${schema}"`);
    try {
      await orm.getMigrator().up();
    } catch (err) {
      // Not a dependency that will come up in a moment: retrying cannot help.
      throw new LifeboatError('INTERNAL', `a migration of schema ${schema} failed: ${messageOf(err)}`, { cause: err, hint: 'the schema is left as the last successful migration made it' });
    }
  } finally {
    await lockClient.query('select pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => undefined);
    await knex.client.releaseConnection(lockClient);
  }
}

/** Creates the database named in the URL when it does not exist (connecting to `postgres`). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) {
    throw new LifeboatError('CONFIG_INVALID', `database name "${name}" must be letters, digits and underscores`);
  }
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  try {
    await client.connect();
  } catch (err) {
    throw new LifeboatError('DEPENDENCY_UNAVAILABLE', `cannot connect to PostgreSQL at ${target.host}: ${messageOf(err)}`, {
      cause: err,
      hint: 'start PostgreSQL or set LIFEBOAT_DATABASE_URL',
    });
  }
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount === 0) {
      try {
        await client.query(`create database "${name}"`);
      } catch (err) {
        // Another process created it first: 42P04, or 23505 when both got past the check at once.
        if (!['42P04', '23505'].includes((err as { code?: string }).code ?? '')) throw err;
      }
    }
  } finally {
    await client.end();
  }
}

/**
 * SQL that would bring the database in line with the entities: empty when the migrations are
 * complete. Meaningful on a database holding this service's schema only.
 */
export async function schemaDrift(orm: MikroORM): Promise<string> {
  return (await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false, safe: false })).trim();
}

/** Readiness check: one round trip to the database. */
export async function pingDatabase(orm: MikroORM): Promise<void> {
  await orm.em.getConnection().execute('select 1');
}

/**
 * Runs `fn` holding a session advisory lock named `key` on one pooled connection: across every
 * process using this database, one holder at a time. Resolves `{ acquired: false }` without
 * running `fn` when someone else holds it (no waiting).
 */
export async function withAdvisoryLock<T>(orm: MikroORM, key: string, fn: () => Promise<T>): Promise<{ acquired: true; value: T } | { acquired: false }> {
  const knex = orm.em.getConnection().getKnex();
  const client = await knex.client.acquireConnection();
  try {
    const { rows } = await client.query('select pg_try_advisory_lock(hashtext($1)) as ok', [key]);
    if (!rows[0].ok) return { acquired: false };
    try {
      return { acquired: true, value: await fn() };
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
    }
  } finally {
    await knex.client.releaseConnection(client);
  }
}
