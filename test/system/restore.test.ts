/**
 * Restores through the gateway: into a new database with live progress and checked row counts;
 * from B2 when the local and R2 copies are corrupt (which then get repaired); into the protected
 * database only when confirmed by an admin, safely; a dry run; and a restore service killed
 * mid-way, which must not leave anything behind.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { seedDemo } from '@lifeboat/demo-app';
import { eventually, withAdmin } from '@lifeboat/testkit';
import {
  BACKUP_FIELDS,
  type BackupView,
  corrupt,
  locationsOf,
  restoreLog,
  rowCounts,
  startRestore,
  startSystem,
  triggerFull,
  waitForBackup,
  waitForRestore,
  type System,
} from '../src/index';

let sys: System;
let admin: string;
let operator: string;
let backup: BackupView;

const urlOf = (database: string) => sys.source.url.replace(/\/[^/]+$/, `/${database}`);
const exists = (name: string) => withAdmin(async (c) => (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1);

before(async () => {
  sys = await startSystem({ tenants: 6 });
  admin = await sys.login();
  await sys.graphql('mutation { createUser(input: { email: "op@example.com", password: "operator-password-1", role: OPERATOR }) { id } }', {}, admin);
  operator = await sys.login('op@example.com', 'operator-password-1');
  backup = await waitForBackup(sys, admin, await triggerFull(sys, admin), ['VERIFIED', 'FAILED']);
  assert.equal(backup.status, 'VERIFIED');
});

after(async () => {
  await sys?.stop();
});

test('an admin restores the latest verified full backup into a new database, with live progress; row counts match', async () => {
  const latest = await sys.graphql<{ backups: { id: string }[] }>('{ backups(type: FULL_DATABASE, status: VERIFIED, limit: 1) { id } }', {}, admin);
  assert.equal(latest.data!.backups[0].id, backup.id);
  const started = await startRestore(sys, admin, { backupId: backup.id, mode: 'FULL' });
  assert.equal(started.errors, undefined, JSON.stringify(started.errors));
  const { id, targetDatabase } = started.data!.startRestore;
  assert.match(targetDatabase ?? '', new RegExp(`^${sys.source.name}_r\\d{12}_${backup.id.slice(0, 8)}$`));

  const client = createClient({ url: sys.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${admin}` }, retryAttempts: 0 });
  const phases: string[] = [];
  const unsubscribe = client.subscribe<{ restoreProgress: { phase: string } }>(
    { query: `subscription { restoreProgress(restoreId: "${id}") { phase bytes totalBytes percent location message at } }` },
    { next: (m) => void (m.data && phases.push(m.data.restoreProgress.phase)), error: () => undefined, complete: () => undefined },
  );
  const log = await waitForRestore(sys, admin, id);
  unsubscribe();
  await client.dispose();

  assert.equal(log.status, 'COMPLETED', log.errorMessage ?? '');
  assert.equal(log.sourceLocation, 'local');
  assert.deepEqual(log.failovers, []);
  assert.equal(log.initiatedBy, sys.admin.email);
  assert.equal(log.backup?.id, backup.id);
  assert.ok(phases.length > 0, 'progress seen live');
  assert.ok(Object.values(log.rowCheck ?? {}).every((c) => c.expected === c.found));
  assert.deepEqual(await rowCounts(urlOf(targetDatabase!)), await rowCounts(sys.source.url));
  assert.deepEqual(await readdir(sys.spoolDir), [], 'spool file removed');
});

test('the local and R2 copies corrupt: the restore uses B2, and both bad copies are repaired and VERIFIED again', async () => {
  const locations = locationsOf(sys);
  for (const name of ['local', 'r2']) await corrupt(locations.find((l) => l.name === name)!, backup.copies.find((c) => c.location === name)!.path);
  const started = await startRestore(sys, operator, { backupId: backup.id, mode: 'FULL', targetDatabase: `${sys.source.name}_fromb2` });
  const log = await waitForRestore(sys, admin, started.data!.startRestore.id);
  assert.equal(log.status, 'COMPLETED', log.errorMessage ?? '');
  assert.equal(log.sourceLocation, 'b2');
  assert.deepEqual(log.failovers.map((f) => f.split(':')[0]), ['local', 'r2']);
  assert.deepEqual(await rowCounts(urlOf(`${sys.source.name}_fromb2`)), await rowCounts(sys.source.url));
  const repaired = await eventually('local and r2 repaired and verified', async () => {
    const r = await sys.graphql<{ backup: BackupView }>(`query ($id: ID!) { backup(id: $id) { ${BACKUP_FIELDS} } }`, { id: backup.id }, admin);
    const b = r.data!.backup;
    return b.copies.every((c) => c.status === 'VERIFIED' && c.checksum === backup.checksum) && b.status === 'VERIFIED' ? b : undefined;
  }, 30_000);
  assert.equal(repaired.copies.length, 3);
});

test('replacing the protected database without confirm, with a wrong confirm, or as an OPERATOR is refused; nothing changes', async () => {
  const before = await rowCounts(sys.source.url);
  const restoresBefore = (await sys.graphql<{ restores: unknown[] }>('{ restores(limit: 500) { id } }', {}, admin)).data!.restores.length;
  const target = sys.source.name;
  const code = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code;
  assert.equal(code(await startRestore(sys, admin, { backupId: backup.id, mode: 'FULL', targetDatabase: target })), 'BAD_USER_INPUT');
  assert.equal(code(await startRestore(sys, admin, { backupId: backup.id, mode: 'FULL', targetDatabase: target, confirm: 'not-it' })), 'BAD_USER_INPUT');
  assert.equal(code(await startRestore(sys, operator, { backupId: backup.id, mode: 'FULL', targetDatabase: target, confirm: target })), 'FORBIDDEN');
  const viewer = await (async () => {
    await sys.graphql('mutation { createUser(input: { email: "view@example.com", password: "viewer-password-1", role: VIEWER }) { id } }', {}, admin);
    return sys.login('view@example.com', 'viewer-password-1');
  })();
  assert.equal(code(await startRestore(sys, viewer, { backupId: backup.id, mode: 'FULL' })), 'FORBIDDEN');
  assert.equal(code(await startRestore(sys, admin, { backupId: '00000000-0000-4000-8000-000000000000', mode: 'FULL' })), 'NOT_FOUND');
  assert.deepEqual(await rowCounts(sys.source.url), before);
  assert.equal((await sys.graphql<{ restores: unknown[] }>('{ restores(limit: 500) { id } }', {}, admin)).data!.restores.length, restoresBefore);
});

test('a dry run checks the copy, the key and the target, says what it would do, and writes nothing', async () => {
  const target = `${sys.source.name}_dry`;
  const started = await startRestore(sys, operator, { backupId: backup.id, mode: 'FULL', targetDatabase: target, dryRun: true });
  const log = await waitForRestore(sys, admin, started.data!.startRestore.id);
  assert.equal(log.status, 'COMPLETED', log.errorMessage ?? '');
  assert.equal(log.dryRun, true);
  assert.match(log.plan ?? '', /^would read backup .* SHA-256 verified, decrypted with key test-key-1.*create .*_dry and load its \d+ bytes of dump into it as they arrive \(4 COPY at once\).*pg_restore --jobs 4/);
  assert.match(log.plan ?? '', /the database server's disk has \d+ bytes free$/);
  assert.equal(await exists(target), false);
});

test('an admin replaces the protected database, confirmed: built aside, checked, swapped in, the old one kept', async () => {
  await withAdmin((c) => c.query("delete from order_lines where tenant_id = 't0001'"), sys.source.url);
  const changed = await rowCounts(sys.source.url);
  const started = await startRestore(sys, admin, { backupId: backup.id, mode: 'FULL', targetDatabase: sys.source.name, confirm: sys.source.name, jobs: 2 });
  assert.equal(started.errors, undefined, JSON.stringify(started.errors));
  const log = await waitForRestore(sys, admin, started.data!.startRestore.id);
  assert.equal(log.status, 'COMPLETED', log.errorMessage ?? '');
  assert.match(log.previousDatabase ?? '', new RegExp(`^${sys.source.name}_before_\\d{12}$`));
  assert.notDeepEqual(await rowCounts(sys.source.url), changed);
  assert.deepEqual(await rowCounts(sys.source.url), Object.fromEntries(Object.entries(log.rowCheck!).map(([t, c]) => [t, c.expected])));
  await withAdmin((c) => c.query(`alter database "${log.previousDatabase}" with allow_connections true`));
  assert.deepEqual(await rowCounts(urlOf(log.previousDatabase!)), changed, 'the replaced database is kept as it was');
  await withAdmin((c) => c.query(`drop database "${log.previousDatabase}" with (force)`));
});

test('the restore service killed mid-restore: the restore ends FAILED, its database and spool file are gone', async () => {
  await seedDemo(sys.source.url, { tenants: 12, scale: 12, firstTenant: 200 });
  const big = await waitForBackup(sys, admin, await triggerFull(sys, admin), ['COMPLETED', 'VERIFIED', 'FAILED']);
  assert.notEqual(big.status, 'FAILED');
  await eventually('the big backup known to the restore service', async () => {
    const r = await startRestore(sys, admin, { backupId: big.id, mode: 'FULL', targetDatabase: `${sys.source.name}_probe`, dryRun: true });
    return r.errors === undefined;
  });
  const target = `${sys.source.name}_killed`;
  const started = await startRestore(sys, admin, { backupId: big.id, mode: 'FULL', targetDatabase: target, jobs: 1 });
  const id = started.data!.startRestore.id;
  await eventually('the restore loading into its database', async () => (await exists(target)) && (await restoreLog(sys, admin, id)).status === 'RUNNING', 60_000, 20);
  process.kill(sys.supervisor.pid('restore')!, 'SIGKILL');
  const log = await waitForRestore(sys, admin, id, 120_000);
  assert.equal(log.status, 'FAILED');
  assert.match(log.errorMessage ?? '', /stopped before it finished/);
  assert.equal(await exists(target), false, 'the database it was restoring into is dropped');
  assert.deepEqual((await readdir(sys.spoolDir)).filter((f) => f.startsWith(id)), [], 'its spool file is removed');
});
