/** A base backup back into a cluster: what point-in-time restores start from. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { LifeboatError } from '@lifeboat/errors';
import { PgCluster, freePort } from '../src/index';
import { query, traversableTempDir } from './temp-dir';

let dir: string;
let source: PgCluster;

/** `pg_basebackup -D - -Ft -X fetch` of the source (after a fast checkpoint): its stdout, and how it ended. */
function baseBackup(): { tar: Readable; exited: Promise<number | null> } {
  const child = spawn(join(source.binDir ?? '', 'pg_basebackup'), ['-D', '-', '-Ft', '-X', 'fetch', '-c', 'fast', '-h', '127.0.0.1', '-p', String(source.port), '-U', 'postgres'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return { tar: child.stdout, exited: new Promise((resolve) => child.once('close', resolve)) };
}

before(async () => {
  dir = await traversableTempDir('lifeboat-base-backup-');
  source = await PgCluster.init({ dataDir: join(dir, 'source'), port: await freePort(), settings: { archive_mode: 'on', archive_command: '/bin/true' } });
  await source.start();
  await query(source.url(), "create table tenants (id text primary key, name text); insert into tenants select 't' || g, 'tenant ' || g from generate_series(1, 5000) g");
});

after(async () => {
  await source.destroy();
  await rm(dir, { recursive: true, force: true });
});

test('a base backup streamed into fromBaseBackup starts on another port with the data, as a copy of the source that does not archive', async () => {
  const { tar, exited } = baseBackup();
  const sut = await PgCluster.fromBaseBackup({ dataDir: join(dir, 'copy'), port: await freePort(), tar });
  assert.equal(await exited, 0);
  try {
    await sut.start();
    const [row] = await query<{ count: string; archive: string; port: string }>(
      sut.url(),
      "select count(*) as count, current_setting('archive_mode') as archive, current_setting('port') as port from tenants",
    );
    assert.deepEqual(row, { count: '5000', archive: 'off', port: String(sut.port) });
    assert.equal(await sut.systemIdentifier(), await source.systemIdentifier());
    assert.equal(await source.isRunning(), true, 'the source is untouched');
  } finally {
    await sut.destroy();
  }
});

test('recovery settings go into postgresql.auto.conf with archiving off, and recovery.signal is created', async () => {
  const { tar, exited } = baseBackup();
  const sut = await PgCluster.fromBaseBackup({ dataDir: join(dir, 'pitr'), port: await freePort(), tar });
  assert.equal(await exited, 0);
  try {
    await sut.writeRecoverySettings({ restoreCommand: "lifeboat wal-fetch %f %p --env-file '/etc/lifeboat/wal.env'", recoveryTargetTime: new Date('2026-11-27T10:00:00Z') });
    const conf = await readFile(join(sut.dataDir, 'postgresql.auto.conf'), 'utf8');
    assert.match(conf, /^restore_command = 'lifeboat wal-fetch %f %p --env-file ''\/etc\/lifeboat\/wal\.env'''$/m);
    assert.match(conf, /^recovery_target_time = '2026-11-27 10:00:00\.000\+00'$/m);
    assert.match(conf, /^recovery_target_action = 'promote'$/m);
    assert.match(conf, /^archive_mode = 'off'$/m);
    assert.equal(conf.match(/^archive_mode =/gm)?.length, 1);
    await access(join(sut.dataDir, 'recovery.signal'));
  } finally {
    await sut.destroy();
  }
});

test('a tar stream that fails fails fromBaseBackup, midway or after a complete archive, and leaves no directory', async () => {
  const chunks: Buffer[] = [];
  const { tar, exited } = baseBackup();
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  assert.equal(await exited, 0);
  const whole = Buffer.concat(chunks);
  for (const [what, bytes] of [
    ['midway', whole.subarray(0, Math.floor(whole.length / 2))],
    ['after the end', whole],
  ] as const) {
    const failing = new Readable({
      read() {
        this.push(bytes);
        this.destroy(new Error('the location went away'));
      },
    });
    const dataDir = join(dir, 'failed');
    await assert.rejects(PgCluster.fromBaseBackup({ dataDir, port: 5999, tar: failing }), (err: LifeboatError) => /its input failed: the location went away/.test(err.message), what);
    await assert.rejects(access(dataDir), { code: 'ENOENT' }, what);
  }
});

test('tar stopping at the end of the archive, before its input ends, succeeds: the rest is not read (it failed now and then with EPIPE or "Premature close")', async () => {
  const chunks: Buffer[] = [];
  const { tar, exited } = baseBackup();
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  assert.equal(await exited, 0);
  // Far more than a pipe holds after the end-of-archive blocks: tar exits without reading it.
  const trailing = Buffer.alloc(8 * 1024 * 1024);
  const sut = await PgCluster.fromBaseBackup({ dataDir: join(dir, 'trailing'), port: await freePort(), tar: Readable.from([...chunks, trailing]) });
  try {
    await sut.start();
    const [row] = await query<{ count: string }>(sut.url(), 'select count(*) as count from tenants');
    assert.equal(row.count, '5000');
  } finally {
    await sut.destroy();
  }
});
