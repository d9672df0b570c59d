import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type LifeboatError } from '@lifeboat/errors';
import { createTempDatabase, type TempDatabase, withAdmin } from '@lifeboat/testkit';
import { SnapshotSession, pgDump, pgRestore } from '../src/index';

let db: TempDatabase;

before(async () => {
  db = await createTempDatabase('pgdump');
  await withAdmin(async (c) => {
    await c.query('create table a (id int primary key, v text)');
    await c.query(`insert into a select g, repeat('x', 200) from generate_series(1, 20000) g`);
    await c.query('create schema "odd ""name"""; create table "odd ""name""".b (id int)');
    await c.query(`insert into "odd ""name""".b values (1), (2)`);
  }, db.url);
});

after(async () => {
  await db.drop();
});

function sink(): Writable & { bytes: number } {
  const w = new Writable({
    write(chunk: Buffer, _e, done) {
      w.bytes += chunk.length;
      done();
    },
  }) as Writable & { bytes: number };
  w.bytes = 0;
  return w;
}

test('a dump in an exported snapshot ignores rows committed after it, and counts match the snapshot', async () => {
  const session = await SnapshotSession.open(db.url);
  try {
    await withAdmin((c) => c.query('insert into a values (999999, $1)', ['late']), db.url);
    const counts = await session.countRows();
    assert.deepEqual(counts, [
      { schema: 'odd "name"', table: 'b', rows: 2 },
      { schema: 'public', table: 'a', rows: 20000 },
    ]);
    const facts = await session.facts();
    assert.equal(facts.database, db.name);
    assert.ok(facts.serverVersionNum >= 150000);
    const sut = pgDump({ databaseUrl: db.url, snapshot: session.snapshotId });
    const out = sink();
    await pipeline(sut, out);
    assert.ok(out.bytes > 20000 * 200, `dump of ${out.bytes} bytes is uncompressed`);
  } finally {
    await session.close();
  }
});

test('pg_dump killed halfway fails the pipeline, though its stdout ended cleanly', async () => {
  const sut = pgDump({ databaseUrl: db.url });
  let killed = false;
  const slow = new Writable({
    highWaterMark: 1024,
    write(_chunk, _e, done) {
      if (!killed && sut.pid) {
        killed = true;
        process.kill(sut.pid, 'SIGKILL');
      }
      setTimeout(done, 5);
    },
  });
  await assert.rejects(pipeline(sut, slow), (err: LifeboatError) => err.code === 'BACKUP_FAILED' && /pg_dump was killed by SIGKILL/.test(err.message));
});

test('an unreachable database fails with pg_dump stderr in the message', async () => {
  const sut = pgDump({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/no_such_database_here' });
  await assert.rejects(pipeline(sut, sink()), (err: LifeboatError) => err.code === 'BACKUP_FAILED' && /no_such_database_here/.test(err.message));
  await assert.rejects(SnapshotSession.open('postgres://postgres@127.0.0.1:1/x'), (err: LifeboatError) => err.code === 'DEPENDENCY_UNAVAILABLE');
});

test("a parallel pg_restore that fails is RESTORE_FAILED naming the cause, not its workers' deaths", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lifeboat-pgrestore-'));
  const target = await createTempDatabase('pgrestore_fail');
  try {
    const dumpFile = join(dir, 'db.dump');
    await pipeline(pgDump({ databaseUrl: db.url }), createWriteStream(dumpFile));
    await withAdmin((c) => c.query('create table a (id int)'), target.url);
    await assert.rejects(pgRestore({ databaseUrl: target.url, dumpFile, jobs: 2 }), (err: LifeboatError) => {
      assert.equal(err.code, 'RESTORE_FAILED');
      assert.match(err.message, /^pg_restore exited with code 1: pg_restore: error: .*relation "a" already exists/);
      return true;
    });
  } finally {
    await target.drop();
    await rm(dir, { recursive: true, force: true });
  }
});
