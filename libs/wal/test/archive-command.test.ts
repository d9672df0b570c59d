/**
 * The push side end to end: a real cluster whose archive_command is the built `lifeboat wal-push`,
 * run by PostgreSQL as the postgres user, filling a spool the shipper (root here) reads.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PgCluster, giveToPostgres } from '@lifeboat/pg-cluster';
import { eventually, freePort, withAdmin } from '@lifeboat/testkit';
import { readSegmentHeader, readyToShip } from '../src/index';
import { traversableTempDir } from './wal-files';

/** From libs/wal/dist/test to the built CLI. */
const CLI = resolve(__dirname, '..', '..', '..', '..', 'cli', 'dist', 'src', 'main.js');
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

let dir: string;
let spool: string;
let cluster: PgCluster;
let systemId: string;

async function query<T>(sql: string): Promise<T[]> {
  return (await withAdmin((c) => c.query(sql), cluster.url())).rows as T[];
}

before(async () => {
  assert.ok(existsSync(CLI), `the CLI is not built (${CLI}): npx tsc -b cli`);
  dir = await traversableTempDir('lifeboat-wal-archive-');
  spool = join(dir, 'spool');
  await mkdir(spool);
  // The spool belongs to the pushing side (postgres); the shipper side (root here) reads it anyway.
  await giveToPostgres(spool);
  cluster = await PgCluster.init({ dataDir: join(dir, 'data'), port: await freePort(), settings: { wal_level: 'replica', archive_mode: 'on', archive_timeout: 60 } });
  // The system identifier exists only once initdb ran: archive_command is set after init, before start.
  systemId = await cluster.systemIdentifier();
  await cluster.configure({ archive_command: `${process.execPath} ${CLI} wal-push %p --spool ${spool} --system-id ${systemId} --max-spool-bytes ${1024 ** 3}` });
  await cluster.start();
});

after(async () => {
  await cluster.destroy();
  await rm(dir, { recursive: true, force: true });
});

test('each segment PostgreSQL completes lands in the spool whole, with the cluster\'s system identifier, in order', async () => {
  const names: string[] = [];
  const originals = new Map<string, Buffer>();
  for (let i = 0; i < 2; i++) {
    await query(`create table t${i} (id int, v text); insert into t${i} select g, md5(g::text) from generate_series(1, 20000) g`);
    const [{ name }] = await query<{ name: string }>('select pg_walfile_name(pg_current_wal_lsn()) as name');
    await query('select pg_switch_wal()');
    // Complete now, and not recycled before the next checkpoint: PostgreSQL's own copy to compare.
    originals.set(name, await readFile(join(cluster.dataDir, 'pg_wal', name)));
    names.push(name);
  }

  const ready = await eventually('both segments in the spool', async () => {
    const files = await readyToShip(spool);
    return names.every((name) => files.some((f) => f.name === name)) && files;
  }, 30_000);
  assert.deepEqual(
    ready.map((f) => f.name).filter((name) => names.includes(name)),
    names,
    'oldest first',
  );
  for (const name of names) {
    const path = join(spool, name);
    assert.equal(sha256(await readFile(path)), sha256(originals.get(name)!), `${name}: the same bytes as pg_wal`);
    assert.equal((await readSegmentHeader(path)).systemId, systemId);
    const info = await stat(path);
    assert.equal(info.mode & 0o777, 0o640);
    if (process.getuid?.() === 0) assert.notEqual(info.uid, 0, 'pushed by PostgreSQL as postgres');
  }
  const [archiver] = await query<{ failed: string }>('select failed_count::text as failed from pg_stat_archiver');
  assert.equal(archiver.failed, '0', await cluster.logTail(20));
});
