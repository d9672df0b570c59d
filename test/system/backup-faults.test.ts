/**
 * Full backups when things go wrong: the source unreachable, pg_dump killed halfway, a location
 * down, a copy altered after upload, two backups at once. Each ends with a clear record and
 * nothing partial left visible.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { seedDemo } from '@lifeboat/demo-app';
import { eventually, withAdmin } from '@lifeboat/testkit';
import { BACKUP_FIELDS, type BackupView, jobOf, locationsOf, startSystem, triggerFull, waitForBackup, type System } from '../src/index';
import { type FaultyS3, startFaultyS3 } from '../src/faulty-s3';

let sys: System;
let token: string;
/** Between the services and the server playing B2. */
let b2Proxy: FaultyS3;

before(async () => {
  b2Proxy = await startFaultyS3();
  sys = await startSystem({ tenants: 3, env: { LIFEBOAT_LOCATION_B2_ENDPOINT: b2Proxy.endpoint } });
  b2Proxy.forwardTo(sys.b2.endpoint);
  token = await sys.login();
});

after(async () => {
  await sys?.stop();
  await b2Proxy?.close();
});

async function localFiles(): Promise<string[]> {
  return (await readdir(sys.localDir, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
}

async function backupById(id: string): Promise<BackupView> {
  const r = await sys.graphql<{ backup: BackupView }>(`query ($id: ID!) { backup(id: $id) { ${BACKUP_FIELDS} } }`, { id }, token);
  return r.data!.backup;
}

test('a location that is down: the others get their copy, and the missing one arrives when it is back', async () => {
  await sys.r2.stop();
  try {
    const jobId = await triggerFull(sys, token);
    const backup = await waitForBackup(sys, token, jobId, ['COMPLETED', 'VERIFIED', 'FAILED']);
    assert.equal(backup.status, 'COMPLETED');
    const waiting = await eventually('local and b2 verified while r2 is down', async () => {
      const b = await backupById(backup.id);
      const by = Object.fromEntries(b.copies.map((c) => [c.location, c]));
      return by.local?.status === 'VERIFIED' && by.b2?.status === 'VERIFIED' && by.r2?.lastError ? b : undefined;
    }, 30_000);
    const r2 = waiting.copies.find((c) => c.location === 'r2')!;
    assert.notEqual(r2.status, 'VERIFIED');
    assert.match(r2.lastError ?? '', /LOCATION_UNAVAILABLE/);
    assert.equal(waiting.status, 'COMPLETED');
    await sys.r2.start();
    const done = await eventually('r2 copy verified once it is back', async () => {
      const b = await backupById(backup.id);
      return b.status === 'VERIFIED' ? b : undefined;
    }, 30_000);
    assert.ok(done.copies.every((c) => c.status === 'VERIFIED' && c.checksum === done.checksum));
  } finally {
    await sys.r2.start();
  }
});

const ARTIFACT = /\.pgdump\.gz\.enc$/;

/** The requests to B2 that wrote `key` (a PUT, or the parts and steps of a multipart upload). */
const writesOf = (key: string) => b2Proxy.requests.filter((r) => (r.method === 'PUT' || r.method === 'POST') && r.path.endsWith(`/${key}`)).length;

test('a copy whose read-back fails after its upload stays STORED, and is verified later without being uploaded again', async () => {
  b2Proxy.failReads(ARTIFACT);
  try {
    const backup = await waitForBackup(sys, token, await triggerFull(sys, token), ['COMPLETED', 'VERIFIED', 'FAILED']);
    assert.equal(backup.status, 'COMPLETED');
    const stored = await eventually('the b2 copy written, its read-back failed', async () => {
      const copy = (await backupById(backup.id)).copies.find((c) => c.location === 'b2');
      return copy?.status === 'STORED' && copy.lastError ? copy : undefined;
    }, 30_000);
    assert.doesNotMatch(stored.lastError!, /CHECKSUM_MISMATCH/);
    const uploads = writesOf(stored.path);
    assert.ok(uploads > 0, 'the artifact went through the proxy');
    b2Proxy.failReads(null);
    const verified = await eventually('verified once reads work again', async () => {
      const b = await backupById(backup.id);
      return b.status === 'VERIFIED' ? b : undefined;
    }, 30_000);
    assert.ok(verified.copies.every((c) => c.status === 'VERIFIED' && c.checksum === verified.checksum));
    assert.equal(writesOf(stored.path), uploads, 'not uploaded again: only its verification was left');
  } finally {
    b2Proxy.failReads(null);
  }
});

test('a copy that reads back altered right after its upload is CORRUPT, with the reason said once, and is copied again', async () => {
  b2Proxy.alterReads(ARTIFACT);
  try {
    const backup = await waitForBackup(sys, token, await triggerFull(sys, token), ['COMPLETED', 'VERIFIED', 'FAILED']);
    const corrupt = await eventually('the b2 copy CORRUPT', async () => {
      const copy = (await backupById(backup.id)).copies.find((c) => c.location === 'b2');
      return copy?.status === 'CORRUPT' ? copy : undefined;
    }, 30_000);
    assert.match(corrupt.lastError ?? '', /^CHECKSUM_MISMATCH: b2 holds \d+ bytes with SHA-256 [0-9a-f]{64}, expected \d+ bytes with [0-9a-f]{64}$/);
    assert.notEqual(corrupt.checksum, backup.checksum);
    b2Proxy.alterReads(null);
    const verified = await eventually('copied again and verified', async () => {
      const b = await backupById(backup.id);
      return b.status === 'VERIFIED' ? b : undefined;
    }, 30_000);
    assert.equal(verified.copies.find((c) => c.location === 'b2')!.checksum, backup.checksum);
  } finally {
    b2Proxy.alterReads(null);
  }
});

test('a copy altered in storage after upload: verifyBackup marks it CORRUPT with CHECKSUM_MISMATCH, and it is repaired', async () => {
  const backup = await waitForBackup(sys, token, await triggerFull(sys, token), ['VERIFIED', 'FAILED']);
  assert.equal(backup.status, 'VERIFIED');
  const b2 = locationsOf(sys).find((l) => l.name === 'b2')!;
  const key = backup.copies.find((c) => c.location === 'b2')!.path;
  const chunks: Buffer[] = [];
  for await (const c of await b2.load(key)) chunks.push(c as Buffer);
  const altered = Buffer.concat(chunks);
  altered[Math.floor(altered.length / 2)] ^= 0xff;
  await b2.save(key, Readable.from([altered]));

  const r = await sys.graphql<{ verifyBackup: BackupView }>(`mutation ($id: ID!) { verifyBackup(id: $id) { ${BACKUP_FIELDS} } }`, { id: backup.id }, token);
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const copy = r.data!.verifyBackup.copies.find((c) => c.location === 'b2')!;
  assert.equal(copy.status, 'CORRUPT');
  assert.match(copy.lastError ?? '', /CHECKSUM_MISMATCH/);
  assert.notEqual(copy.checksum, backup.checksum);
  for (const other of r.data!.verifyBackup.copies.filter((c) => c.location !== 'b2')) assert.equal(other.status, 'VERIFIED');

  const repaired = await eventually('the corrupt copy repaired and verified again', async () => {
    const b = await backupById(backup.id);
    return b.status === 'VERIFIED' && b.copies.every((c) => c.status === 'VERIFIED') ? b : undefined;
  }, 30_000);
  assert.equal(repaired.copies.find((c) => c.location === 'b2')!.checksum, backup.checksum);
});

test('verifyBackup needs OPERATOR, and an unknown backup is NOT_FOUND', async () => {
  await sys.graphql('mutation { createUser(input: { email: "v@example.com", password: "viewer-password-1", role: VIEWER }) { id } }', {}, token);
  const viewer = await sys.login('v@example.com', 'viewer-password-1');
  const forbidden = await sys.graphql('mutation { verifyBackup(id: "00000000-0000-4000-8000-000000000000") { id } }', {}, viewer);
  assert.equal(forbidden.errors?.[0].extensions?.code, 'FORBIDDEN');
  const missing = await sys.graphql('mutation { verifyBackup(id: "00000000-0000-4000-8000-000000000000") { id } }', {}, token);
  assert.equal(missing.errors?.[0].extensions?.code, 'NOT_FOUND');
  const trigger = await sys.graphql('mutation { triggerBackup(input: { type: FULL_DATABASE }) { id } }', {}, viewer);
  assert.equal(trigger.errors?.[0].extensions?.code, 'FORBIDDEN');
});

test('pg_dump killed halfway: FAILED with the reason, nothing visible, no temporary file', async () => {
  await seedDemo(sys.source.url, { tenants: 12, scale: 15, firstTenant: 100 });
  const before = await localFiles();
  const jobId = await triggerFull(sys, token);
  await eventually('pg_dump running', async () => spawnSync('pgrep', ['-f', `pg_dump.*${sys.source.name}`]).status === 0, 20_000, 20);
  spawnSync('pkill', ['-KILL', '-f', `pg_dump.*${sys.source.name}`]);
  const backup = await waitForBackup(sys, token, jobId, ['FAILED', 'COMPLETED', 'VERIFIED']);
  assert.equal(backup.status, 'FAILED');
  assert.match(backup.error ?? '', /pg_dump was killed by SIGKILL/);
  // The job's record ends just after its backup's.
  await eventually('the job FAILED', async () => (await jobOf(sys, token, jobId)).status === 'FAILED', 10_000);
  assert.deepEqual((await localFiles()).sort(), before.sort(), 'nothing new in the local location');
  assert.deepEqual(backup.copies, []);
});

test('two full backups of one database never run at once: the second job is SKIPPED', async () => {
  const [a, b] = await Promise.all([triggerFull(sys, token), triggerFull(sys, token)]);
  let seen = '';
  const jobs = await eventually('both jobs ended', async () => {
    const js = await Promise.all([jobOf(sys, token, a), jobOf(sys, token, b)]);
    seen = js.map((j) => `${j.status} (${j.message ?? j.backups.map((x) => x.status).join(', ')})`).join(' and ');
    return js.every((j) => ['SUCCEEDED', 'FAILED', 'SKIPPED'].includes(j.status)) ? js : undefined;
  }, 90_000, 250).catch((err: Error) => {
    throw new Error(`${err.message}; last seen: ${seen}`);
  });
  assert.deepEqual(jobs.map((j) => j.status).sort(), ['SKIPPED', 'SUCCEEDED']);
  assert.match(jobs.find((j) => j.status === 'SKIPPED')!.message ?? '', /already running/);
});

test('the source database unreachable: FAILED with the reason, nothing visible', async () => {
  const before = await localFiles();
  await withAdmin((c) => c.query(`alter database "${sys.source.name}" with allow_connections false`));
  try {
    await withAdmin((c) => c.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1`, [sys.source.name]));
    const backup = await waitForBackup(sys, token, await triggerFull(sys, token), ['FAILED', 'COMPLETED']);
    assert.equal(backup.status, 'FAILED');
    assert.match(backup.error ?? '', /^DEPENDENCY_UNAVAILABLE: cannot connect to the protected database/);
    assert.deepEqual((await localFiles()).sort(), before.sort());
  } finally {
    await withAdmin((c) => c.query(`alter database "${sys.source.name}" with allow_connections true`));
  }
});

test('after all that, the local location holds only whole artifacts and their manifests', async () => {
  const files = await localFiles();
  assert.ok(files.length > 0);
  for (const f of files) assert.match(f, /\.pgdump\.gz\.enc(\.manifest\.json)?$/);
});
