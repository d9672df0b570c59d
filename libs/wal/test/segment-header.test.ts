/** The segment header's offsets, checked against a segment PostgreSQL itself wrote. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import type { LifeboatError } from '@lifeboat/errors';
import { PgCluster } from '@lifeboat/pg-cluster';
import { freePort } from '@lifeboat/testkit';
import { DEFAULT_SEGMENT_SIZE, parseSegmentHeader, readSegmentHeader, segmentInfo } from '../src/index';
import { SYSTEM_ID, syntheticSegment, traversableTempDir } from './wal-files';

let dir: string;
let cluster: PgCluster;

before(async () => {
  dir = await traversableTempDir('lifeboat-wal-header-');
  cluster = await PgCluster.init({ dataDir: join(dir, 'data'), port: await freePort() });
  await cluster.start();
});

after(async () => {
  await cluster.destroy();
  await rm(dir, { recursive: true, force: true });
});

test("a real segment's header names the cluster's system identifier, its own start LSN, timeline and sizes", async () => {
  const client = new Client({ connectionString: cluster.url() });
  await client.connect();
  let name: string;
  try {
    await client.query('create table filler (id int); insert into filler select generate_series(1, 10000)');
    name = (await client.query<{ name: string }>('select pg_walfile_name(pg_current_wal_lsn()) as name')).rows[0].name;
  } finally {
    await client.end();
  }
  const sut = await readSegmentHeader(join(cluster.dataDir, 'pg_wal', name));
  assert.equal(sut.systemId, await cluster.systemIdentifier());
  assert.equal(sut.magic, 0xd110, 'PostgreSQL 15');
  assert.equal(sut.info & 0x0002, 0x0002);
  assert.equal(sut.timeline, 1);
  assert.equal(sut.segmentSize, DEFAULT_SEGMENT_SIZE);
  assert.equal(sut.blockSize, 8192);
  const start = segmentInfo(name).startLsn!;
  const [high, low] = start.split('/').map((half) => BigInt(`0x${half}`));
  assert.equal(sut.pageAddress, (high << 32n) + low);
});

test('bytes that are not the first page of a segment are refused', () => {
  const page = syntheticSegment('000000010000000000000001').subarray(0, 40);
  assert.equal(parseSegmentHeader(page).systemId, SYSTEM_ID);
  const notLong = Buffer.from(page);
  notLong.writeUInt16LE(0x0004, 2);
  const badSize = Buffer.from(page);
  badSize.writeUInt32LE(1000, 32);
  for (const bytes of [page.subarray(0, 39), notLong, badSize]) {
    assert.throws(() => parseSegmentHeader(bytes), (err: LifeboatError) => err.code === 'BAD_USER_INPUT');
  }
});
