/** A cluster's life as the tests and npm start use it, as root here and in CI (runuser). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import type { LifeboatError } from '@lifeboat/errors';
import { PgCluster, freePort } from '../src/index';
import { query, traversableTempDir } from './temp-dir';

let dir: string;
let sut: PgCluster;

before(async () => {
  dir = await traversableTempDir('lifeboat-pg-cluster-');
  sut = await PgCluster.init({ dataDir: join(dir, 'data'), port: await freePort(), settings: { archive_timeout: 60, application_name: "it's lifeboat" } });
});

after(async () => {
  await sut.destroy();
  await rm(dir, { recursive: true, force: true });
});

test('init makes a cluster owned by postgres with mode 0700 that starts, answers and stops', async () => {
  const info = await stat(sut.dataDir);
  assert.equal(info.mode & 0o777, 0o700);
  if (process.getuid?.() === 0) assert.notEqual(info.uid, 0, 'not root');
  assert.equal(await sut.isRunning(), false);
  await sut.start();
  assert.equal(await sut.isRunning(), true);
  const [row] = await query<{ port: string; listen: string; timeout: string; name: string; encoding: string }>(
    sut.url(),
    "select current_setting('port') as port, current_setting('listen_addresses') as listen, current_setting('archive_timeout') as timeout, current_setting('application_name') as name, pg_encoding_to_char(encoding) as encoding from pg_database where datname = 'postgres'",
  );
  assert.deepEqual(row, { port: String(sut.port), listen: '127.0.0.1', timeout: '1min', name: "it's lifeboat", encoding: 'UTF8' });
  await sut.stop();
  assert.equal(await sut.isRunning(), false);
  await sut.stop(); // stopping a stopped cluster is nothing
});

test('the system identifier is a string of digits, the same across restarts', async () => {
  const first = await sut.systemIdentifier();
  assert.match(first, /^\d{15,20}$/);
  await sut.start();
  assert.equal(await sut.systemIdentifier(), first);
  await sut.stop('immediate');
  await sut.start();
  assert.equal(await sut.systemIdentifier(), first);
  await sut.stop();
});

test('a start that fails (its port taken) rejects with the end of the server log', async () => {
  const squatter = net.createServer();
  await new Promise<void>((resolve) => squatter.listen(sut.port, '127.0.0.1', resolve));
  try {
    await assert.rejects(sut.start(), (err: LifeboatError) => {
      assert.equal(err.code, 'INTERNAL');
      assert.match(err.message, /PostgreSQL did not start/);
      assert.match(err.message, /server log .*last lines:\n[\s\S]*could not bind IPv4 address "127\.0\.0\.1": Address already in use/);
      return true;
    });
    assert.match(await sut.logTail(5), /Address already in use/);
    assert.equal(await sut.isRunning(), false);
  } finally {
    await new Promise((resolve) => squatter.close(resolve));
  }
});

test('open takes an existing cluster as it is; configure moves it to another port', async () => {
  const conf = await readFile(join(sut.dataDir, 'postgresql.auto.conf'), 'utf8');
  const reopened = await PgCluster.open({ dataDir: sut.dataDir, port: sut.port });
  assert.equal(reopened.binDir, sut.binDir);
  assert.equal(await readFile(join(sut.dataDir, 'postgresql.auto.conf'), 'utf8'), conf, 'open changes nothing');

  const port = await freePort();
  const moved = await PgCluster.open({ dataDir: sut.dataDir, port });
  await moved.configure({ port });
  assert.match(await readFile(join(sut.dataDir, 'postgresql.auto.conf'), 'utf8'), new RegExp(`^port = '${port}'$`, 'm'));
  await moved.start();
  try {
    const [row] = await query<{ port: string }>(moved.url(), "select current_setting('port') as port");
    assert.equal(row.port, String(port));
  } finally {
    await moved.stop();
    await moved.configure({ port: sut.port });
  }
});

test('open of a directory without a cluster is NOT_FOUND; init into a directory that is not empty is CONFLICT', async () => {
  const empty = join(dir, 'empty');
  await mkdir(empty);
  await assert.rejects(PgCluster.open({ dataDir: empty, port: 5999 }), (err: LifeboatError) => err.code === 'NOT_FOUND');
  await writeFile(join(empty, 'precious.txt'), 'keep me');
  await assert.rejects(PgCluster.init({ dataDir: empty, port: 5999 }), (err: LifeboatError) => err.code === 'CONFLICT');
  assert.equal(await readFile(join(empty, 'precious.txt'), 'utf8'), 'keep me');
});

test('a cluster made without replication accepts no replication connections', async () => {
  const sut = await PgCluster.init({ dataDir: join(dir, 'no-replication'), port: await freePort(), replication: false });
  try {
    const hba = await readFile(join(sut.dataDir, 'pg_hba.conf'), 'utf8');
    assert.doesNotMatch(hba, /^\S+\s+replication/m);
    assert.match(hba, /^host\s+all\s+all\s+127\.0\.0\.1\/32\s+trust$/m);
  } finally {
    await sut.destroy();
  }
});
