/**
 * The seed's daily full backup through the gateway, end to end: a backup of the demo database
 * that reaches VERIFIED with three copies matching the recorded checksum, a manifest beside each,
 * live progress over graphql-ws, and a copy taken from R2 that decrypts into a dump pg_restore
 * loads with the source's row counts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { manifestKeyOf, parseManifest } from '@lifeboat/manifest';
import { createTempDatabase } from '@lifeboat/testkit';
import { type BackupView, decryptTo, jobOf, locationsOf, pgRestore, rowCounts, startSystem, triggerFull, waitForBackup, type System } from '../src/index';

let sys: System;
let token: string;
let work: string;

before(async () => {
  sys = await startSystem({ tenants: 8 });
  token = await sys.login();
  work = await mkdtemp(join(tmpdir(), 'lifeboat-full-'));
});

after(async () => {
  await sys?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

let verified: BackupView;

test('triggerBackup produces a backup VERIFIED in three locations, with live progress', async () => {
  const client = createClient({ url: sys.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
  const progress: { phase: string; bytesIn: number; bytesOut: number }[] = [];
  const errors: unknown[] = [];
  const jobId = await triggerFull(sys, token);
  const unsubscribe = client.subscribe<{ backupProgress: { phase: string; bytesIn: number; bytesOut: number } }>(
    { query: `subscription { backupProgress(jobId: "${jobId}") { backupId jobId phase bytesIn bytesOut percent message at } }` },
    { next: (m) => void (m.data && progress.push(m.data.backupProgress)), error: (e) => void errors.push(e), complete: () => {} },
  );
  verified = await waitForBackup(sys, token, jobId, ['VERIFIED', 'FAILED']);
  unsubscribe();
  await client.dispose();
  assert.deepEqual(errors, []);

  assert.equal(verified.status, 'VERIFIED', verified.error ?? '');
  assert.equal(verified.type, 'FULL_DATABASE');
  assert.match(verified.checksum ?? '', /^[0-9a-f]{64}$/);
  assert.equal(verified.keyId, 'test-key-1');
  assert.ok(verified.originalSizeBytes! > verified.sizeBytes!, 'compressed');
  assert.ok(verified.compressionRatio! > 1);
  assert.ok(verified.durationSeconds! > 0);
  assert.deepEqual(verified.copies.map((c) => c.location).sort(), ['b2', 'local', 'r2']);
  for (const copy of verified.copies) {
    assert.equal(copy.status, 'VERIFIED', `${copy.location}: ${copy.lastError}`);
    assert.equal(copy.checksum, verified.checksum, copy.location);
    assert.equal(copy.sizeBytes, verified.sizeBytes);
  }
  const job = await jobOf(sys, token, jobId);
  assert.equal(job.status, 'SUCCEEDED');
  assert.ok(progress.length >= 1, 'progress received');
  assert.ok(progress.some((p) => p.phase === 'completed' || p.phase === 'dump' || p.phase === 'manifest'));
});

test('each location holds the artifact and its manifest, whose row counts are the source\'s', async () => {
  const source = await rowCounts(sys.source.url);
  for (const location of locationsOf(sys)) {
    const key = verified.copies.find((c) => c.location === location.name)!.path;
    assert.equal((await location.stat(key))?.sizeBytes, verified.sizeBytes);
    const chunks: Buffer[] = [];
    for await (const c of await location.load(manifestKeyOf(key))) chunks.push(c as Buffer);
    const manifest = parseManifest(Buffer.concat(chunks));
    assert.equal(manifest.backupId, verified.id);
    assert.equal(manifest.checksum, verified.checksum);
    assert.deepEqual(Object.fromEntries(manifest.source.tables.map((t) => [`${t.schema}.${t.table}`, t.rows])), source);
  }
});

test('the R2 copy decrypts into a dump that pg_restore loads with the same row counts', async () => {
  const r2 = locationsOf(sys).find((l) => l.name === 'r2')!;
  const dump = join(work, 'r2.dump');
  await decryptTo(sys, r2, verified.copies.find((c) => c.location === 'r2')!.path, dump);
  const target = await createTempDatabase('restored');
  try {
    pgRestore(dump, target.url);
    assert.deepEqual(await rowCounts(target.url), await rowCounts(sys.source.url));
  } finally {
    await target.drop();
  }
});

test('nothing but artifacts and manifests is left in the local location (no temporary files)', async () => {
  const files = (await readdir(sys.localDir, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).map((d) => d.name);
  assert.ok(files.length >= 2);
  for (const f of files) assert.match(f, /\.pgdump\.gz\.enc(\.manifest\.json)?$/);
});
