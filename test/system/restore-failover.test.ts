/**
 * The seed's Scenario 4, "Cloudflare R2 goes down", with restores that prefer R2: R2 down means
 * B2 is used with no one doing anything; every copy corrupt means a clear failure and no target.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { withAdmin } from '@lifeboat/testkit';
import { type BackupView, corrupt, locationsOf, rowCounts, startRestore, startSystem, triggerFull, waitForBackup, waitForRestore, type System } from '../src/index';

let sys: System;
let token: string;
let backup: BackupView;

before(async () => {
  sys = await startSystem({ tenants: 4, env: { LIFEBOAT_RESTORE_PREFERENCE: 'r2,b2,local' } });
  token = await sys.login();
  backup = await waitForBackup(sys, token, await triggerFull(sys, token), ['VERIFIED', 'FAILED']);
  assert.equal(backup.status, 'VERIFIED');
});

after(async () => {
  await sys?.stop();
});

async function databaseExists(name: string): Promise<boolean> {
  return withAdmin(async (c) => (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1);
}

test('R2 is down: a restore that prefers R2 reads B2 and succeeds on its own', async () => {
  await sys.r2.stop();
  try {
    const started = await startRestore(sys, token, { backupId: backup.id, mode: 'FULL', targetDatabase: `${sys.source.name}_r2down` });
    assert.equal(started.errors, undefined, JSON.stringify(started.errors));
    const log = await waitForRestore(sys, token, started.data!.startRestore.id);
    assert.equal(log.status, 'COMPLETED', log.errorMessage ?? '');
    assert.equal(log.sourceLocation, 'b2');
    assert.equal(log.failovers.length, 1);
    assert.match(log.failovers[0], /^r2: LOCATION_UNAVAILABLE: /);
    assert.deepEqual(await rowCounts(`${sys.source.url.replace(/\/[^/]+$/, '')}/${log.targetDatabase}`), await rowCounts(sys.source.url));
  } finally {
    await sys.r2.start();
    await withAdmin((c) => c.query(`drop database if exists "${sys.source.name}_r2down" with (force)`));
  }
});

test('every copy corrupt: CHECKSUM_MISMATCH naming each location, and no target database', async () => {
  const locations = locationsOf(sys);
  for (const location of locations) await corrupt(location, backup.copies.find((c) => c.location === location.name)!.path);
  const target = `${sys.source.name}_allbad`;
  const started = await startRestore(sys, token, { backupId: backup.id, mode: 'FULL', targetDatabase: target });
  const log = await waitForRestore(sys, token, started.data!.startRestore.id);
  assert.equal(log.status, 'FAILED');
  assert.match(log.errorMessage ?? '', /^CHECKSUM_MISMATCH: no copy of backup/);
  for (const name of ['local', 'r2', 'b2']) assert.match(log.errorMessage ?? '', new RegExp(`${name}: (TAMPERED|CHECKSUM_MISMATCH|TRUNCATED)`));
  assert.deepEqual(log.failovers.map((f) => f.split(':')[0]), ['r2', 'b2', 'local']);
  assert.equal(await databaseExists(target), false);
});
