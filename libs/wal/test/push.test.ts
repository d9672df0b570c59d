/** wal-push's promises to PostgreSQL: durable before success, never a lie, never a loss. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { statSync, watch } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LifeboatError } from '@lifeboat/errors';
import { markShipped, pushSegment, readyToShip, removeOrphanTemporaries } from '../src/index';
import { SEGMENT_SIZE, SYSTEM_ID, syntheticSegment } from './wal-files';

const GiB = 1024 ** 3;
const withCode = (code: string) => (err: LifeboatError) => err.code === code;
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

let dir: string;
let spools = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeboat-wal-push-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A WAL file PostgreSQL would hand over: `<dir>/pg_wal-N/<name>`. */
async function walFile(name: string, bytes: Buffer): Promise<string> {
  const walDir = await mkdtemp(join(dir, 'pg_wal-'));
  const path = join(walDir, name);
  await writeFile(path, bytes, { mode: 0o600 });
  return path;
}

const newSpool = (): string => join(dir, `spool-${++spools}`);

/** Everything under the spool, as relative paths. */
async function contents(spoolDir: string): Promise<string[]> {
  return (await readdir(spoolDir, { recursive: true })).sort();
}

test('a segment lands whole in the spool under its name, 0640, in directories of 0770', async () => {
  const spoolDir = newSpool();
  const name = '000000010000000000000003';
  const bytes = syntheticSegment(name);
  const sut = await pushSegment({ source: await walFile(name, bytes), name, spoolDir, systemId: SYSTEM_ID, maxSpoolBytes: GiB });
  assert.deepEqual(sut, { outcome: 'spooled', sizeBytes: SEGMENT_SIZE });
  assert.equal(sha256(await readFile(join(spoolDir, name))), sha256(bytes));
  assert.equal((await stat(join(spoolDir, name))).mode & 0o777, 0o640);
  for (const sub of ['', 'shipped', 'alerts']) assert.equal((await stat(join(spoolDir, sub))).mode & 0o777, 0o770, sub || 'spool');
  assert.deepEqual(await contents(spoolDir), ['000000010000000000000003', 'alerts', 'shipped']);
  const ready = await readyToShip(spoolDir);
  assert.deepEqual(
    ready.map(({ name: n, path, sizeBytes }) => ({ n, path, sizeBytes })),
    [{ n: name, path: join(spoolDir, name), sizeBytes: SEGMENT_SIZE }],
  );
});

test('the final name only ever appears complete: the copy is written under a temporary name and renamed', async () => {
  const spoolDir = newSpool();
  await mkdir(spoolDir);
  const name = '000000010000000000000004';
  const bytes = syntheticSegment(name, SYSTEM_ID, 64 * 1024 * 1024);
  const source = await walFile(name, bytes);
  const seen: { file: string; size: number | undefined }[] = [];
  const watcher = watch(spoolDir, (_event, file) => {
    if (file === null) return;
    // Synchronously, at the moment of the event: what a shipper polling the directory would find.
    seen.push({ file, size: statSize(join(spoolDir, file)) });
  });
  try {
    await pushSegment({ source, name, spoolDir, systemId: SYSTEM_ID, maxSpoolBytes: GiB });
  } finally {
    watcher.close();
  }
  const finals = seen.filter((s) => s.file === name);
  assert.ok(finals.length > 0, 'the final name appeared');
  for (const s of finals) assert.equal(s.size, bytes.length, 'never partial under its final name');
  assert.ok(seen.some((s) => s.file.startsWith('.tmp-')), 'written under a temporary name first');
  assert.deepEqual(await contents(spoolDir), [name, 'alerts', 'shipped'].sort());
});

function statSize(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

test('pushing the same bytes again is accepted without rewriting; different bytes are refused and the first copy kept', async () => {
  const spoolDir = newSpool();
  const name = '000000010000000000000005';
  const bytes = syntheticSegment(name);
  await pushSegment({ source: await walFile(name, bytes), name, spoolDir, systemId: SYSTEM_ID, maxSpoolBytes: GiB });
  const before = await stat(join(spoolDir, name));

  const again = await pushSegment({ source: await walFile(name, bytes), name, spoolDir, systemId: SYSTEM_ID, maxSpoolBytes: GiB });
  assert.equal(again.outcome, 'already-spooled');
  const after = await stat(join(spoolDir, name));
  assert.equal(after.ino, before.ino);
  assert.equal(after.mtimeMs, before.mtimeMs);

  const other = syntheticSegment(name);
  await assert.rejects(pushSegment({ source: await walFile(name, other), name, spoolDir, systemId: SYSTEM_ID, maxSpoolBytes: GiB }), (err: LifeboatError) => {
    assert.equal(err.code, 'CONFLICT');
    assert.match(err.message, /pushed before with different content/);
    return true;
  });
  assert.equal(sha256(await readFile(join(spoolDir, name))), sha256(bytes));
});

test('once shipped, the same bytes are accepted without spooling them again, different bytes refused', async () => {
  const spoolDir = newSpool();
  const name = '000000010000000000000006';
  const bytes = syntheticSegment(name);
  await pushSegment({ source: await walFile(name, bytes), name, spoolDir, systemId: SYSTEM_ID, maxSpoolBytes: GiB });
  await markShipped(spoolDir, name, sha256(bytes));
  await markShipped(spoolDir, name, sha256(bytes)); // idempotent
  assert.deepEqual(await contents(spoolDir), ['alerts', 'shipped', `shipped/${name}.sha256`]);
  assert.equal(await readFile(join(spoolDir, 'shipped', `${name}.sha256`), 'utf8'), `${sha256(bytes)}\n`);

  const again = await pushSegment({ source: await walFile(name, bytes), name, spoolDir, systemId: SYSTEM_ID, maxSpoolBytes: GiB });
  assert.equal(again.outcome, 'already-shipped');
  assert.deepEqual(await readyToShip(spoolDir), []);
  await assert.rejects(
    pushSegment({ source: await walFile(name, syntheticSegment(name)), name, spoolDir, systemId: SYSTEM_ID, maxSpoolBytes: GiB }),
    (err: LifeboatError) => err.code === 'CONFLICT' && /shipped before with different content/.test(err.message),
  );
  assert.deepEqual(await readyToShip(spoolDir), []);
});

test('a segment of another database system is refused: a second cluster is writing to this archive', async () => {
  const spoolDir = newSpool();
  const name = '000000010000000000000007';
  const source = await walFile(name, syntheticSegment(name, '7399999999999999999'));
  await assert.rejects(pushSegment({ source, name, spoolDir, systemId: SYSTEM_ID, maxSpoolBytes: GiB }), (err: LifeboatError) => {
    assert.equal(err.code, 'CONFLICT');
    assert.match(err.message, /written by database system 7399999999999999999, not 7312345678901234567: a second cluster is writing to this archive/);
    return true;
  });
  await assert.rejects(stat(spoolDir), { code: 'ENOENT' }, 'nothing written');
});

test('a file that is not a whole segment of its name is refused', async () => {
  const spoolDir = newSpool();
  const name = '000000010000000000000008';
  const whole = syntheticSegment(name);
  await assert.rejects(
    pushSegment({ source: await walFile(name, whole.subarray(0, SEGMENT_SIZE / 2)), name, spoolDir, systemId: SYSTEM_ID, maxSpoolBytes: GiB }),
    (err: LifeboatError) => err.code === 'BAD_USER_INPUT' && /not a whole segment/.test(err.message),
  );
  await assert.rejects(
    pushSegment({ source: await walFile(name, syntheticSegment('000000010000000000000009')), name, spoolDir, systemId: SYSTEM_ID, maxSpoolBytes: GiB }),
    (err: LifeboatError) => err.code === 'BAD_USER_INPUT' && /starts with the page of LSN 0\/900000, but its name is the segment of LSN 0\/800000/.test(err.message),
  );
  const noHeader = Buffer.alloc(SEGMENT_SIZE);
  await assert.rejects(pushSegment({ source: await walFile(name, noHeader), name, spoolDir, systemId: SYSTEM_ID, maxSpoolBytes: GiB }), withCode('BAD_USER_INPUT'));
  await assert.rejects(pushSegment({ source: await walFile('RECOVERYXLOG', whole), name: 'RECOVERYXLOG', spoolDir, systemId: SYSTEM_ID, maxSpoolBytes: GiB }), withCode('BAD_USER_INPUT'));
  await assert.rejects(pushSegment({ source: join(dir, 'missing', name), name, spoolDir, systemId: SYSTEM_ID, maxSpoolBytes: GiB }), withCode('BAD_USER_INPUT'));
  await assert.rejects(stat(spoolDir), { code: 'ENOENT' }, 'nothing written');
});

test('timeline history and backup history files carry no header and are accepted as they are', async () => {
  const spoolDir = newSpool();
  for (const [name, text] of [
    ['00000002.history', '1\t0/3000158\tno recovery target specified\n'],
    ['000000010000000000000002.00000028.backup', 'START WAL LOCATION: 0/2000028 (file 000000010000000000000002)\n'],
  ]) {
    const sut = await pushSegment({ source: await walFile(name, Buffer.from(text)), name, spoolDir, systemId: SYSTEM_ID, maxSpoolBytes: GiB });
    assert.equal(sut.outcome, 'spooled');
    assert.equal(await readFile(join(spoolDir, name), 'utf8'), text);
  }
});

test('while the spool holds more than its limit, pushes are refused with an alert left for the shipper; nothing is dropped', async () => {
  const spoolDir = newSpool();
  const first = '00000001000000000000000A';
  const second = '00000001000000000000000B';
  const firstBytes = syntheticSegment(first);
  await pushSegment({ source: await walFile(first, firstBytes), name: first, spoolDir, systemId: SYSTEM_ID, maxSpoolBytes: SEGMENT_SIZE });
  const source = await walFile(second, syntheticSegment(second));
  await writeFile(join(spoolDir, '.tmp-shipper-artifact'), randomBytes(10)); // in progress: counted too

  await assert.rejects(pushSegment({ source, name: second, spoolDir, systemId: SYSTEM_ID, maxSpoolBytes: SEGMENT_SIZE }), (err: LifeboatError) => {
    assert.equal(err.code, 'WAL_SPOOL_FULL');
    assert.equal(err.retryable, true);
    assert.match(err.message, new RegExp(`holds ${SEGMENT_SIZE + 10} bytes, over its limit of ${SEGMENT_SIZE}: ${second} refused`));
    return true;
  });
  const alerts = await readdir(join(spoolDir, 'alerts'));
  assert.equal(alerts.length, 1);
  assert.match(alerts[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z-spool-full\.json$/);
  const alert = JSON.parse(await readFile(join(spoolDir, 'alerts', alerts[0]), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(alert, { kind: 'WAL_SPOOL_FULL', segment: second, spoolBytes: SEGMENT_SIZE + 10, maxSpoolBytes: SEGMENT_SIZE, at: alerts[0].replace('-spool-full.json', '') });
  assert.deepEqual((await readyToShip(spoolDir)).map((f) => f.name), [first], 'the refused file was not spooled, the first not dropped');
  assert.equal(sha256(await readFile(join(spoolDir, first))), sha256(firstBytes));

  const again = await pushSegment({ source: await walFile(first, firstBytes), name: first, spoolDir, systemId: SYSTEM_ID, maxSpoolBytes: SEGMENT_SIZE });
  assert.equal(again.outcome, 'already-spooled', 'a repeat needs no room: accepted even when full');

  await markShipped(spoolDir, first, sha256(firstBytes));
  await rm(join(spoolDir, '.tmp-shipper-artifact'));
  const later = await pushSegment({ source, name: second, spoolDir, systemId: SYSTEM_ID, maxSpoolBytes: SEGMENT_SIZE });
  assert.equal(later.outcome, 'spooled', 'accepted once the shipper caught up');
});

test('readyToShip lists WAL files oldest first, history files first at the same moment, and nothing else', async () => {
  const spoolDir = newSpool();
  await mkdir(join(spoolDir, 'shipped'), { recursive: true });
  const at = new Date('2026-11-27T10:00:00Z');
  const files: [string, Date][] = [
    ['00000002000000000000000D', new Date(at.getTime() + 1000)],
    ['00000002.history', at],
    ['00000001000000000000000C.partial', at],
    ['00000001000000000000000B', new Date(at.getTime() - 1000)],
    ['.tmp-00000002000000000000000E-0a1b2c', at],
    ['notes.txt', at],
  ];
  for (const [name, time] of files) {
    await writeFile(join(spoolDir, name), name);
    await utimes(join(spoolDir, name), time, time);
  }
  await mkdir(join(spoolDir, '00000002000000000000000F'));
  const sut = await readyToShip(spoolDir);
  assert.deepEqual(
    sut.map((f) => f.name),
    ['00000001000000000000000B', '00000002.history', '00000001000000000000000C.partial', '00000002000000000000000D'],
  );
  assert.deepEqual(sut[1], { name: '00000002.history', path: join(spoolDir, '00000002.history'), sizeBytes: 16, mtime: at });
  assert.deepEqual(await readyToShip(join(dir, 'no-such-spool')), []);
});

test('markShipped refuses what is not a WAL file name or a SHA-256', async () => {
  const spoolDir = newSpool();
  await assert.rejects(markShipped(spoolDir, '../etc/passwd', 'a'.repeat(64)), withCode('BAD_USER_INPUT'));
  await assert.rejects(markShipped(spoolDir, '000000010000000000000001', 'not-a-hash'), withCode('BAD_USER_INPUT'));
});

test('temporary files a dead writer left are removed after a while; ones being written and WAL stay', async () => {
  const spool = join(dir, 'orphans');
  await mkdir(spool);
  const hoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
  await writeFile(join(spool, '.tmp-old'), 'x');
  await utimes(join(spool, '.tmp-old'), hoursAgo, hoursAgo);
  await writeFile(join(spool, '.tmp-fresh'), 'x');
  await writeFile(join(spool, '000000010000000000000001'), 'x');
  await utimes(join(spool, '000000010000000000000001'), hoursAgo, hoursAgo);
  assert.deepEqual(await removeOrphanTemporaries(spool, 60 * 60 * 1000), ['.tmp-old']);
  assert.deepEqual((await readdir(spool)).sort(), ['.tmp-fresh', '000000010000000000000001']);
});
