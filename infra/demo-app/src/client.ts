/** One PostgreSQL connection for the length of a piece of work, closed whatever happens. */
import { Client } from 'pg';

export function connect(databaseUrl: string): Client {
  const client = new Client({ connectionString: databaseUrl, application_name: 'lifeboat-demo-app' });
  // A connection lost while idle is reported by its next query; without a listener the 'error'
  // event would end the process instead.
  client.on('error', () => undefined);
  return client;
}

export async function withClient<T>(databaseUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = connect(databaseUrl);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Runs `fn` inside BEGIN/COMMIT, rolling back when it throws. A failing ROLLBACK (the connection
 * is gone) is ignored so that the caller sees the error that caused it.
 */
export async function inTransaction<T>(client: Client, fn: () => Promise<T>): Promise<T> {
  await client.query('begin');
  try {
    const result = await fn();
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}
