/** wal-fetch across the WAL locations: the first good copy, whatever state the others are in. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { access, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { generateMasterKey, keyringFromEnv } from '@lifeboat/artifact';
import { Secret } from '@lifeboat/config';
import type { LifeboatError } from '@lifeboat/errors';
import { openStorage, type Storage } from '@lifeboat/storage';
import { startS3Server, type S3TestServer } from '@lifeboat/testkit';
import { fetchSegment, walKey } from '../src/index';
import { SYSTEM_ID, storeSegment, syntheticSegment } from './wal-files';

const keyring = keyringFromEnv({ LIFEBOAT_MASTER_KEYS: generateMasterKey('wal-test') });
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

let dir: string;
let r2Server: S3TestServer;
let b2Server: S3TestServer;
let r2: Storage;
let b2: Storage;
let local: Storage;
let segments = 0x10;

function s3Location(name: string, server: S3TestServer): Storage {
  return openStorage({
    driver: 's3',
    name,
    endpoint: server.endpoint,
    region: 'auto',
    bucket: 'securesyntax',
    prefix: '',
    accessKeyId: 'S3RVER',
    secretAccessKey: new Secret('S3RVER'),
  });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeboat-wal-fetch-'));
  [r2Server, b2Server] = await Promise.all([startS3Server(), startS3Server()]);
  r2 = s3Location('r2', r2Server);
  b2 = s3Location('b2', b2Server);
  local = openStorage({ driver: 'fs', name: 'local', root: join(dir, 'local') });
});

after(async () => {
  await Promise.all([r2Server.destroy(), b2Server.destroy()]);
  await rm(dir, { recursive: true, force: true });
});

/** A new segment stored in `locations`: its name and bytes. */
async function archived(locations: Storage[]): Promise<{ name: string; bytes: Buffer }> {
  const name = `0000000100000000000000${(segments++).toString(16).toUpperCase().padStart(2, '0')}`;
  const bytes = syntheticSegment(name);
  await storeSegment(locations, keyring, SYSTEM_ID, name, bytes);
  return { name, bytes };
}

/** Where PostgreSQL wants the file: `<data dir>/pg_wal/RECOVERYXLOG`. */
async function destination(): Promise<string> {
  return join(await mkdtemp(join(dir, 'pg_wal-')), 'RECOVERYXLOG');
}

/** Flips one byte of the stored copy, through the storage API. */
async function tamper(location: Storage, name: string, offset: number): Promise<void> {
  const key = walKey(SYSTEM_ID, name);
  const chunks: Buffer[] = [];
  for await (const chunk of await location.load(key)) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  bytes[offset] ^= 0x01;
  await location.save(key, () => Readable.from([bytes]));
}

test('the first location serves the file: the exact original bytes, 0600, with no temporary file left', async () => {
  const { name, bytes } = await archived([r2, b2, local]);
  const path = await destination();
  const sut = await fetchSegment({ name, destination: path, locations: [r2, b2, local], keyring, systemId: SYSTEM_ID });
  assert.deepEqual(sut, { location: 'r2', sizeBytes: bytes.length, failures: [] });
  assert.equal(sha256(await readFile(path)), sha256(bytes));
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.deepEqual(await readdir(join(path, '..')), ['RECOVERYXLOG']);
});

test('with the first location down, the second serves', async () => {
  const { name, bytes } = await archived([r2, b2]);
  const path = await destination();
  await r2Server.stop();
  try {
    const sut = await fetchSegment({ name, destination: path, locations: [r2, b2], keyring, systemId: SYSTEM_ID });
    assert.equal(sut.location, 'b2');
    assert.deepEqual(sut.failures.map((f) => [f.location, f.code]), [['r2', 'LOCATION_UNAVAILABLE']]);
    assert.equal(sha256(await readFile(path)), sha256(bytes));
  } finally {
    await r2Server.start();
  }
});

test('a tampered copy is passed over for the next location, and a truncated one too', async () => {
  const { name, bytes } = await archived([r2, b2, local]);
  await tamper(r2, name, 200);
  const stored = await local.stat(walKey(SYSTEM_ID, name));
  const key = walKey(SYSTEM_ID, name);
  const full: Buffer[] = [];
  for await (const chunk of await b2.load(key)) full.push(chunk as Buffer);
  await b2.save(key, () => Readable.from([Buffer.concat(full).subarray(0, stored!.sizeBytes - 100)]));

  const path = await destination();
  const sut = await fetchSegment({ name, destination: path, locations: [r2, b2, local], keyring, systemId: SYSTEM_ID });
  assert.equal(sut.location, 'local');
  assert.deepEqual(sut.failures.map((f) => [f.location, f.code]), [['r2', 'TAMPERED'], ['b2', 'TRUNCATED']]);
  assert.equal(sha256(await readFile(path)), sha256(bytes));
  assert.deepEqual(await readdir(join(path, '..')), ['RECOVERYXLOG'], 'no temporary file left by the failed attempts');
});

test('locations are read in the order given: the fs location serves when the others lack the file', async () => {
  const { name, bytes } = await archived([local]);
  const path = await destination();
  const sut = await fetchSegment({ name, destination: path, locations: [r2, b2, local], keyring, systemId: SYSTEM_ID });
  assert.equal(sut.location, 'local');
  assert.deepEqual(sut.failures.map((f) => [f.location, f.code]), [['r2', 'OBJECT_NOT_FOUND'], ['b2', 'OBJECT_NOT_FOUND']]);
  assert.equal(sha256(await readFile(path)), sha256(bytes));
});

test('a file no location has is OBJECT_NOT_FOUND, and nothing is written', async () => {
  const path = await destination();
  await assert.rejects(fetchSegment({ name: '00000002.history', destination: path, locations: [r2, b2, local], keyring, systemId: SYSTEM_ID }), (err: LifeboatError) => {
    assert.equal(err.code, 'OBJECT_NOT_FOUND');
    assert.equal(err.message, 'WAL file 00000002.history is in no WAL location (r2, b2, local)');
    return true;
  });
  await assert.rejects(access(path), { code: 'ENOENT' });
  assert.deepEqual(await readdir(join(path, '..')), []);
});

test('when some location might have had it but none could serve it, the failure says why for each, and an earlier file stays', async () => {
  const { name } = await archived([r2]);
  await tamper(r2, name, 300);
  const path = await destination();
  await writeFile(path, 'the previous file');
  await b2Server.stop();
  try {
    await assert.rejects(fetchSegment({ name, destination: path, locations: [local, r2, b2], keyring, systemId: SYSTEM_ID }), (err: LifeboatError) => {
      assert.equal(err.code, 'TAMPERED');
      assert.match(err.message, /local: OBJECT_NOT_FOUND: .*; r2: TAMPERED: .*; b2: LOCATION_UNAVAILABLE: /);
      return true;
    });
  } finally {
    await b2Server.start();
  }
  assert.equal(await readFile(path, 'utf8'), 'the previous file');
});

test('a wrong key is WRONG_KEY; a destination that cannot be written fails at once', async () => {
  const { name } = await archived([local]);
  const otherKeys = keyringFromEnv({ LIFEBOAT_MASTER_KEYS: generateMasterKey('other') });
  await assert.rejects(
    fetchSegment({ name, destination: await destination(), locations: [local], keyring: otherKeys, systemId: SYSTEM_ID }),
    (err: LifeboatError) => err.code === 'WRONG_KEY',
  );
  await assert.rejects(
    fetchSegment({ name, destination: join(dir, 'no-such-dir', 'RECOVERYXLOG'), locations: [local, r2], keyring, systemId: SYSTEM_ID }),
    (err: LifeboatError) => err.code === 'INTERNAL' && /cannot write .*no-such-dir\/RECOVERYXLOG \(ENOENT\)/.test(err.message),
  );
});
