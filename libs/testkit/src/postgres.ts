/** Throwaway databases on the machine's PostgreSQL, one per test file. */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export const ADMIN_URL = process.env.LIFEBOAT_TEST_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function urlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdmin<T>(fn: (c: Client) => Promise<T>, url = ADMIN_URL): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TempDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A unique database name (not created): `lifeboat_t_<prefix>_<random>`. */
export function uniqueName(prefix: string): string {
  return `lb_t_${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
}

/** Creates an empty database; `drop()` removes it, closing any session still on it. */
export async function createTempDatabase(prefix: string): Promise<TempDatabase> {
  const name = uniqueName(prefix);
  await withAdmin((c) => c.query(`create database "${name}"`));
  return { name, url: urlFor(name), drop: () => dropDatabase(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((c) => c.query(`drop database if exists "${name}" with (force)`));
}
