import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createTempDatabase, type TempDatabase, withAdmin } from '@lifeboat/testkit';
import { type DumpIndex, DumpOffsetIndexer, countRows, patchDumpOffsets, pgDump, pgRestore } from '../src/index';

let db: TempDatabase;
let work: string;

before(async () => {
  db = await createTempDatabase('offsets');
  work = await mkdtemp(join(tmpdir(), 'lifeboat-offsets-'));
  await withAdmin(async (c) => {
    await c.query('create table a (id int primary key, v text)');
    await c.query(`insert into a select g, repeat(md5(g::text), 1 + g % 7) from generate_series(1, 30000) g`);
    await c.query('create table empty (id int)');
    await c.query('create table b (id int references a, note jsonb)');
    await c.query(`insert into b select g, jsonb_build_object('n', g) from generate_series(1, 5000) g`);
    await c.query(`select lo_from_bytea(0, convert_to(repeat('large object ', 1000), 'UTF8'))`);
  }, db.url);
});

after(async () => {
  await db?.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Streams `path` through an indexer in pieces of `size` bytes (to cut integers and blocks everywhere). */
async function indexOf(path: string, size = 64 * 1024): Promise<ReturnType<DumpOffsetIndexer['result']>> {
  const indexer = new DumpOffsetIndexer();
  await pipeline(createReadStream(path, { highWaterMark: size }), indexer, new Writable({ write: (_chunk, _encoding, done) => done() }));
  return indexer.result();
}

/** The offsets a dump's TOC records: dump id → position, for the entries whose position is set. */
async function recordedOffsets(path: string, index: DumpIndex): Promise<Map<number, number>> {
  const bytes = await readFile(path);
  const out = new Map<number, number>();
  for (const e of index.entries) {
    if (bytes[e.at] !== 2) continue;
    let value = 0;
    for (let b = 0; b < index.offSize; b++) value += bytes[e.at + 1 + b] * 2 ** (8 * b);
    out.set(e.dumpId, value);
  }
  return out;
}

function indexed(r: ReturnType<DumpOffsetIndexer['result']>): DumpIndex {
  if ('reason' in r) assert.fail(`not indexed: ${r.reason}`);
  return r.index;
}

test("on a seekable dump, the blocks found are where pg_dump's own TOC says, however the stream is cut", async () => {
  const file = join(work, 'seekable.dump');
  execFileSync('pg_dump', ['--format=custom', '--compress=0', `--file=${file}`, `--dbname=${db.url}`]);
  const index = indexed(await indexOf(file));
  const recorded = await recordedOffsets(file, index);
  assert.ok(recorded.size >= 4, `table data and large objects have positions (${recorded.size})`);
  assert.deepEqual(new Map([...index.blocks].filter(([id]) => recorded.has(id))), recorded);
  for (const size of [1, 7, 4093]) assert.deepEqual(indexed(await indexOf(file, size)).blocks, index.blocks, `pieces of ${size} bytes`);
});

test('a dump written to a pipe gets its positions written in, and a parallel pg_restore loads it whole', async () => {
  const file = join(work, 'piped.dump');
  const indexer = new DumpOffsetIndexer();
  await pipeline(pgDump({ databaseUrl: db.url }), indexer, createWriteStream(file));
  const index = indexed(indexer.result());
  assert.deepEqual(await recordedOffsets(file, index), new Map(), 'pg_dump could not seek: no position set');
  const written = await patchDumpOffsets(file, index);
  assert.equal(written, index.blocks.size);
  const again = indexed(await indexOf(file));
  assert.deepEqual(await recordedOffsets(file, again), index.blocks);

  const target = await createTempDatabase('offsets_restored');
  try {
    await pgRestore({ databaseUrl: target.url, dumpFile: file, jobs: 3 });
    assert.deepEqual(await withAdmin(countRows, target.url), await withAdmin(countRows, db.url));
    const lo = await withAdmin((c) => c.query<{ n: string }>('select count(*) as n from pg_largeobject_metadata'), target.url);
    assert.equal(lo.rows[0].n, '1');
  } finally {
    await target.drop();
  }
});

test('what is not a whole custom-format dump is left alone, with the reason', async () => {
  const cases: [string, Buffer][] = [
    ['not a dump', Buffer.from('hello, this is not a dump at all')],
    ['a plain SQL dump', execFileSync('pg_dump', ['--format=plain', '--schema-only', `--dbname=${db.url}`])],
  ];
  const piped = await readFile(join(work, 'piped.dump'));
  cases.push(['cut in its table of contents', piped.subarray(0, 200)], ['cut in its data', piped.subarray(0, piped.length - 10)]);
  for (const [what, bytes] of cases) {
    const path = join(work, 'odd.dump');
    await writeFile(path, bytes);
    const r = await indexOf(path);
    assert.ok('reason' in r, `${what}: not indexed`);
  }
});
