/**
 * The `lifeboat` command line against the running system: log in, back up and wait, list,
 * verify; then the break-glass path — decrypt the R2 copy with only the key, load it with
 * pg_restore, and rebuild the catalog from R2 into an empty metadata database.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createTempDatabase, eventually, withAdmin } from '@lifeboat/testkit';
import { ROOT, locationsOf, pgRestore, rowCounts, startSystem, type System } from '../src/index';

let sys: System;
let work: string;
let env: NodeJS.ProcessEnv;

function lifeboat(args: string[], input?: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'cli/dist/src/main.js'), ...args], { env: { ...env, ...extraEnv } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += String(c)));
    child.stderr.on('data', (c: Buffer) => (stderr += String(c)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

before(async () => {
  sys = await startSystem({ tenants: 4 });
  work = await mkdtemp(join(tmpdir(), 'lifeboat-cli-'));
  env = { ...process.env, ...sys.env, LIFEBOAT_URL: sys.gatewayUrl, LIFEBOAT_CONFIG_DIR: join(work, 'config') };
  delete env.LIFEBOAT_TOKEN;
});

after(async () => {
  await sys?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

let backupId: string;
let r2Key: string;

test('login, backup full --wait, backups list and backup verify', async () => {
  const login = await lifeboat(['login', '--email', sys.admin.email, '--password-stdin'], `${sys.admin.password}\n`);
  assert.equal(login.code, 0, login.stderr);
  const full = await lifeboat(['backup', 'full', '--wait', '--json']);
  assert.equal(full.code, 0, full.stderr);
  const job = JSON.parse(full.stdout) as { status: string; backups: { id: string; status: string }[] };
  assert.equal(job.status, 'SUCCEEDED');
  backupId = job.backups[0].id;
  const listed = await lifeboat(['backups', 'list', '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.ok((JSON.parse(listed.stdout) as { id: string }[]).some((b) => b.id === backupId));
  const verified = await eventually('verify says every copy is VERIFIED', async () => {
    const v = await lifeboat(['backup', 'verify', backupId, '--json']);
    return v.code === 0 ? (JSON.parse(v.stdout) as { copies: { location: string; status: string }[] }) : undefined;
  }, 30_000, 500);
  assert.deepEqual(verified.copies.map((c) => c.status), ['VERIFIED', 'VERIFIED', 'VERIFIED']);
  const token = await sys.login();
  const r = await sys.graphql<{ backup: { copies: { location: string; path: string }[] } }>(`{ backup(id: "${backupId}") { copies { location path } } }`, {}, token);
  r2Key = r.data!.backup.copies.find((c) => c.location === 'r2')!.path;
});

test('lifeboat decrypt on the R2 copy gives a dump that pg_restore loads with the source row counts', async () => {
  const r2 = locationsOf(sys).find((l) => l.name === 'r2')!;
  const artifact = join(work, 'artifact');
  await pipeline(await r2.load(r2Key), createWriteStream(artifact));
  const keyFile = join(work, 'keys');
  await writeFile(keyFile, `# the master key of this system\n${sys.env.LIFEBOAT_MASTER_KEYS}\n`, { mode: 0o600 });
  const noKeys = { LIFEBOAT_MASTER_KEYS: '', LIFEBOAT_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', LIFEBOAT_NATS_URL: 'nats://127.0.0.1:1' };
  const dump = join(work, 'dump');
  const r = await lifeboat(['decrypt', '--key-file', keyFile, '--in', artifact, '--out', dump], undefined, noKeys);
  assert.equal(r.code, 0, r.stderr);
  const target = await createTempDatabase('cli_restore');
  try {
    pgRestore(dump, target.url);
    assert.deepEqual(await rowCounts(target.url), await rowCounts(sys.source.url));
  } finally {
    await target.drop();
  }
});

test('catalog rebuild recreates the records from the R2 manifests in an empty metadata database', async () => {
  const fresh = await createTempDatabase('rebuilt');
  try {
    const r = await lifeboat(['catalog', 'rebuild', '--location', 'r2', '--json'], undefined, { LIFEBOAT_DATABASE_URL: fresh.url, LIFEBOAT_NATS_URL: 'nats://127.0.0.1:1' });
    assert.equal(r.code, 0, r.stderr);
    const reports = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { created: string[]; problems: unknown[] });
    assert.equal(reports.length, 3, 'executor, replicator and restore each rebuilt their part');
    for (const report of reports) assert.ok(report.created.includes(backupId));
    const rows = await withAdmin(async (c) => {
      const backups = await c.query('select id, status, checksum from backup_executor.backup where id = $1', [backupId]);
      const copies = await c.query('select location, status from storage_replicator.backup_copy where backup_id = $1 order by location', [backupId]);
      const restorable = await c.query('select checksum from restore.known_backup where id = $1', [backupId]);
      return { backups: backups.rows, copies: copies.rows, restorable: restorable.rows };
    }, fresh.url);
    assert.equal(rows.backups.length, 1);
    assert.equal(rows.backups[0].status, 'COMPLETED');
    assert.deepEqual(rows.restorable, [{ checksum: rows.backups[0].checksum }]);
    assert.deepEqual(rows.copies, [
      { location: 'b2', status: 'STORED' },
      { location: 'local', status: 'STORED' },
      { location: 'r2', status: 'STORED' },
    ]);
    const again = await lifeboat(['catalog', 'rebuild', '--location', 'r2', '--json'], undefined, { LIFEBOAT_DATABASE_URL: fresh.url });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual((JSON.parse(again.stdout.trim().split('\n')[0]) as { created: string[] }).created, []);
  } finally {
    await fresh.drop();
  }
});
