import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import { FsStorage } from '@lifeboat/storage';
import { SharedReads } from './shared-reads';

const roots: string[] = [];
after(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

/** A real fs location that counts its loads. */
async function location(): Promise<FsStorage & { loads: number }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'shared-reads-'));
  roots.push(root);
  const storage = Object.assign(new FsStorage({ name: 'local', root }), { loads: 0 });
  const load = storage.load.bind(storage);
  storage.load = (...args) => {
    storage.loads++;
    return load(...args);
  };
  await storage.save('a/object', Readable.from([Buffer.from('the bytes')]));
  return storage;
}

const read = (load: () => Promise<Readable>) => load().then((stream) => buffer(stream)).then(String);

test('users of a small object at the same time share one read; a later user reads again', async () => {
  const local = await location();
  const reads = new SharedReads();
  const slowly = (load: () => Promise<Readable>) => sleep(20).then(() => read(load));
  const both = await Promise.all([reads.use(local, 'a/object', true, slowly), reads.use(local, 'a/object', true, read)]);
  assert.deepEqual(both, ['the bytes', 'the bytes']);
  assert.equal(local.loads, 1);
  assert.equal(await reads.use(local, 'a/object', true, read), 'the bytes');
  assert.equal(local.loads, 2);
});

test('without share, each load reads the location', async () => {
  const local = await location();
  const reads = new SharedReads();
  await Promise.all([reads.use(local, 'a/object', false, read), reads.use(local, 'a/object', false, read)]);
  assert.equal(local.loads, 2);
});

test('a failed read fails every user sharing it, and the next user reads afresh', async () => {
  const local = await location();
  const reads = new SharedReads();
  const results = await Promise.allSettled([reads.use(local, 'missing', true, read), reads.use(local, 'missing', true, read)]);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
  assert.equal((results[0] as PromiseRejectedResult).reason.code, 'OBJECT_NOT_FOUND');
  await local.save('missing', Readable.from([Buffer.from('now here')]));
  assert.equal(await reads.use(local, 'missing', true, read), 'now here');
});
