/**
 * Point-in-time recovery end to end: WAL archived continuously to R2 and B2, base backups with the
 * full ones, and a recovery to a moment between two known commits giving exactly the rows
 * committed before it; with R2 down during recovery; and a gap in the archive reported as such.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { writeLoad } from '@lifeboat/demo-app';
import { eventually } from '@lifeboat/testkit';
import { precedesBaseBackup, walKey } from '@lifeboat/wal';
import { type ArchivingCluster, jobOf, locationsOf, restoreLog, startArchivingCluster, startRestore, startSystem, triggerFull, triggerJob, waitForRestore, type System } from '../src/index';

let source: ArchivingCluster;
let sys: System;
let admin: string;

interface Mark {
  id: number;
  committed: Date;
}

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('set row_security = off');
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/**
 * The load's marks with their commit times: the commit record's own (what recovery_target_time is
 * compared with), not the insert's clock, which a busy machine can put well before the commit.
 */
async function marks(url: string): Promise<Mark[]> {
  return (
    await query<{ id: string; committed_at: Date }>(url, 'select id, coalesce(pg_xact_commit_timestamp(xmin), committed_at) as committed_at from load_marks order by id')
  ).map((r) => ({ id: Number(r.id), committed: r.committed_at }));
}

async function window(): Promise<{ earliest: string; latest: string } | null> {
  return (await sys.graphql<{ recoverableWindow: { earliest: string; latest: string } | null }>('{ recoverableWindow { earliest latest } }', {}, admin)).data!.recoverableWindow;
}

/** A target between two marks, and the marks committed before it. */
function targetBetween(all: Mark[], fraction: number): { target: Date; before: number[] } {
  const i = Math.floor(all.length * fraction);
  const target = new Date((all[i].committed.getTime() + all[i + 1].committed.getTime()) / 2);
  return { target, before: all.filter((m) => m.committed <= target).map((m) => m.id) };
}

before(async () => {
  source = await startArchivingCluster({ archiveTimeoutSeconds: 3 });
  sys = await startSystem({
    tenants: 1,
    env: {
      LIFEBOAT_SOURCE_DATABASE_URL: source.url,
      LIFEBOAT_WAL_SPOOL_DIR: source.spoolDir,
      LIFEBOAT_PITR_DIR: source.pitrDir,
      LIFEBOAT_PITR_TIMEOUT_SECONDS: '120',
      // Retention may then delete any WAL before the base backup (the last test).
      LIFEBOAT_PITR_WINDOW_DAYS: '0',
    },
  });
  admin = await sys.login();
  // The seeded five-minute WAL check would apply retention whenever the clock says: only the
  // retention test runs it here.
  const schedules = await sys.graphql<{ schedules: { id: string; type: string }[] }>('{ schedules { id type } }', {}, admin);
  for (const s of schedules.data!.schedules.filter((x) => x.type === 'WAL_ARCHIVE')) {
    const paused = await sys.graphql(`mutation { pauseSchedule(id: "${s.id}") { id } }`, {}, admin);
    assert.equal(paused.errors, undefined, JSON.stringify(paused.errors));
  }
  // The WAL written so far (the database created and seeded) is archived before the base backup.
  await source.switchWal();
  const job = await triggerFull(sys, admin);
  const done = await eventually('full and base backups completed', async () => {
    const j = await jobOf(sys, admin, job);
    return j.status === 'SUCCEEDED' ? j : j.status === 'FAILED' || j.status === 'PARTIAL' ? assert.fail(j.message ?? j.status) : undefined;
  }, 90_000, 500);
  assert.deepEqual(done.backups.map((b) => b.type).sort(), ['BASE_BACKUP', 'FULL_DATABASE']);
  await writeLoad(source.url, { ratePerSecond: 20, durationMs: 6000 });
  await source.switchWal();
  await eventually('the WAL of the load archived', async () => {
    const w = await window();
    const all = await marks(source.url);
    return w && new Date(w.latest) > all[all.length - 1].committed;
  }, 60_000, 500);
});

after(async () => {
  await sys?.stop();
  await source?.destroy();
});

test('PITR to a moment between two commits gives exactly the rows committed before it', async () => {
  const all = await marks(source.url);
  const { target, before } = targetBetween(all, 0.5);
  const w = await window();
  assert.ok(w && new Date(w.earliest) < target && target < new Date(w.latest), JSON.stringify(w));
  const started = await startRestore(sys, admin, { mode: 'PITR', targetTime: target.toISOString(), targetDatabase: 'pitr_middle' });
  assert.equal(started.errors, undefined, JSON.stringify(started.errors));
  const log = await waitForRestore(sys, admin, started.data!.startRestore.id, 180_000);
  assert.equal(log.status, 'COMPLETED', log.errorMessage ?? '');
  const recovered = await marks(source.cluster.url('pitr_middle'));
  assert.deepEqual(recovered.map((m) => m.id), before);
  const full = await restoreLog(sys, admin, log.id);
  assert.equal(full.targetDatabase, 'pitr_middle');
});

test('a target outside the recoverable window fails at once, with the window in the message', async () => {
  const r = await startRestore(sys, admin, { mode: 'PITR', targetTime: new Date(Date.now() + 3_600_000).toISOString() });
  assert.equal(r.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
  assert.match(r.errors![0].message, /outside the recoverable window, .* to .*/);
});

test('R2 down during recovery: wal-fetch uses B2 and recovery completes', async () => {
  const all = await marks(source.url);
  const { target, before } = targetBetween(all, 0.8);
  await sys.r2.stop();
  try {
    const started = await startRestore(sys, admin, { mode: 'PITR', targetTime: target.toISOString(), targetDatabase: 'pitr_r2down' });
    const log = await waitForRestore(sys, admin, started.data!.startRestore.id, 240_000);
    assert.equal(log.status, 'COMPLETED', log.errorMessage ?? '');
    assert.deepEqual((await marks(source.cluster.url('pitr_r2down'))).map((m) => m.id), before);
  } finally {
    await sys.r2.start();
  }
});

test('retention deletes archived WAL before the oldest base backup, and nothing a base backup needs', async () => {
  const [base] = await query<{ wal_start: string }>(sys.env.LIFEBOAT_DATABASE_URL, `select wal_start from backup_executor.backup where type = 'BASE_BACKUP' and status in ('COMPLETED', 'VERIFIED')`);
  const archived = await query<{ name: string; key: string }>(sys.env.LIFEBOAT_DATABASE_URL, 'select name, key from backup_executor.wal_segment order by name');
  const expired = archived.filter((s) => precedesBaseBackup(s.name, base.wal_start));
  const needed = archived.filter((s) => !expired.includes(s));
  assert.ok(expired.length > 0 && needed.length > 0, `base backup starts at ${base.wal_start}; archived: ${archived.map((s) => s.name).join(' ')}`);
  const job = await triggerJob(sys, admin, 'WAL_ARCHIVE');
  const done = await eventually('the WAL check ran', async () => {
    const j = await jobOf(sys, admin, job);
    return ['SCHEDULED', 'QUEUED', 'RUNNING'].includes(j.status) ? undefined : j;
  }, 30_000, 300);
  assert.equal(done.status, 'SUCCEEDED', done.message ?? '');
  assert.match(done.message ?? '', new RegExp(`${expired.length} expired WAL file\\(s\\) deleted`));
  const left = (await query<{ name: string }>(sys.env.LIFEBOAT_DATABASE_URL, 'select name from backup_executor.wal_segment')).map((r) => r.name);
  const wal = locationsOf(sys).filter((l) => l.name !== 'local');
  const shippedRecords = await readdir(join(source.spoolDir, 'shipped'));
  for (const s of expired) {
    assert.ok(!left.includes(s.name), `${s.name} still recorded`);
    assert.ok(!shippedRecords.includes(`${s.name}.sha256`), `the spool still records ${s.name} as shipped`);
    for (const l of wal) assert.equal(await l.stat(s.key), undefined, `${s.name} still in ${l.name}`);
  }
  for (const s of needed) {
    assert.ok(left.includes(s.name), `${s.name} was deleted though the base backup needs it`);
    for (const l of wal) assert.ok(await l.stat(s.key), `${s.name} gone from ${l.name}`);
  }
  const expiredRecords = await query<{ n: string }>(sys.env.LIFEBOAT_DATABASE_URL, `select count(*) as n from backup_executor.backup where type = 'WAL_ARCHIVE' and status = 'EXPIRED'`);
  assert.equal(Number(expiredRecords[0].n), expired.length);
});

test('a gap in the archive: recovery stops short, and Lifeboat reports the gap instead of success', async () => {
  const all = await marks(source.url);
  const { target } = targetBetween(all, 0.9);
  const segments = await query<{ name: string; system_id: string }>(
    sys.env.LIFEBOAT_DATABASE_URL,
    `select name, system_id from backup_executor.wal_segment where name ~ '^[0-9A-F]{24}$' and spooled_at < $1 order by name desc limit 1`,
    [target],
  );
  assert.equal(segments.length, 1);
  const missing = segments[0].name;
  for (const location of locationsOf(sys).filter((l) => l.name !== 'local')) await location.remove(walKey(segments[0].system_id, missing));
  const started = await startRestore(sys, admin, { mode: 'PITR', targetTime: target.toISOString() });
  const log = await waitForRestore(sys, admin, started.data!.startRestore.id, 240_000);
  assert.equal(log.status, 'FAILED');
  assert.match(log.errorMessage ?? '', new RegExp(`gap: ${missing} is missing`));
});
