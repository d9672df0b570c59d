import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LifeboatError, type ErrorCode } from '@lifeboat/errors';
import { Collector, collect } from '../test/collector';
import { createDecryptStream, createEncryptStream, readHeader, generateMasterKey, keyringFromEnv, type Keyring } from './index';

const CHUNK = 64;
const TAG = 16;
const FRAME = 5 + CHUNK + TAG;

const keyring = (...entries: string[]): Keyring => keyringFromEnv({ LIFEBOAT_MASTER_KEYS: entries.join(',') });
const k1 = generateMasterKey('k1');
const sut = keyring(k1);

const encrypt = (plaintext: Buffer, ring: Keyring = sut, chunkSize = CHUNK): Promise<Buffer> =>
  collect(plaintext, createEncryptStream(ring, { chunkSize }));
const decrypt = (artifact: Buffer, ring: Keyring = sut): Promise<Buffer> => collect(artifact, createDecryptStream(ring));

/** Asserts that decrypting fails with `code`. */
async function rejectsWith(artifact: Buffer, code: ErrorCode, ring: Keyring = sut): Promise<LifeboatError> {
  let caught: unknown;
  await decrypt(artifact, ring).catch((err: unknown) => (caught = err));
  assert.ok(caught instanceof LifeboatError, `expected ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.ok(caught.hint, 'every decryption error has a hint');
  return caught;
}

function flipped(artifact: Buffer, offset: number): Buffer {
  const copy = Buffer.from(artifact);
  copy[offset] ^= 0x01;
  return copy;
}

/** An artifact of 3 full chunks and a final one of 10 bytes, with the offsets of its parts. */
async function fourChunks(): Promise<{ plaintext: Buffer; artifact: Buffer; header: number; frame: (i: number) => number }> {
  const plaintext = randomBytes(3 * CHUNK + 10);
  const artifact = await encrypt(plaintext);
  const { headerBytes } = await readHeader(artifact);
  return { plaintext, artifact, header: headerBytes, frame: (i) => headerBytes + i * FRAME };
}

test('round trips at chunk boundaries, each artifact the size the format says', async () => {
  for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 10]) {
    const plaintext = randomBytes(size);
    const artifact = await encrypt(plaintext);
    const { headerBytes } = await readHeader(artifact);
    const fullChunks = Math.floor(size / CHUNK);
    // Full chunks, then a final chunk shorter than CHUNK (empty when the size is a multiple).
    assert.equal(artifact.length, headerBytes + fullChunks * FRAME + 5 + (size % CHUNK) + TAG, `size ${size}`);
    assert.deepEqual(await decrypt(artifact), plaintext, `size ${size}`);
  }
});

test('the default chunk size round trips exactly one chunk and one more byte', async () => {
  for (const size of [1024 * 1024, 1024 * 1024 + 1]) {
    const plaintext = randomBytes(size);
    const artifact = await collect(plaintext, createEncryptStream(sut));
    assert.equal((await readHeader(artifact)).chunkSize, 1024 * 1024);
    assert.deepEqual(await decrypt(artifact), plaintext);
  }
});

test('the same plaintext encrypts differently every time (fresh data key and nonces)', async () => {
  const plaintext = Buffer.from('same text');
  const [a, b] = await Promise.all([encrypt(plaintext), encrypt(plaintext)]);
  assert.notDeepEqual(a, b);
});

test('readHeader tells the key id and chunk size without a key, from bytes or a stream', async () => {
  const { artifact, header } = await fourChunks();
  const expected = { formatVersion: 1, keyId: 'k1', chunkSize: CHUNK, headerBytes: header };
  assert.deepEqual(await readHeader(artifact), expected);
  assert.deepEqual(await readHeader(Readable.from([artifact.subarray(0, 7), artifact.subarray(7)])), expected);
  await assert.rejects(readHeader(artifact.subarray(0, header - 1)), (err: LifeboatError) => err.code === 'TRUNCATED');
  await assert.rejects(readHeader(Buffer.from('\x1f\x8b\x08 not an artifact')), (err: LifeboatError) => err.code === 'TAMPERED');
});

test('a key id that is not configured is WRONG_KEY, naming it and the configured ids', async () => {
  const { artifact } = await fourChunks();
  const err = await rejectsWith(artifact, 'WRONG_KEY', keyring(generateMasterKey('k2'), generateMasterKey('k3')));
  assert.match(err.message, /"k1"/);
  assert.match(err.message, /configured: k2, k3/);
});

test('the right id with different key material is WRONG_KEY', async () => {
  const { artifact } = await fourChunks();
  await rejectsWith(artifact, 'WRONG_KEY', keyring(generateMasterKey('k1')));
});

test('rotation: a new first key encrypts, the old key still decrypts', async () => {
  const old = await encrypt(Buffer.from('written before the rotation'));
  const rotated = keyring(generateMasterKey('k2'), k1);
  assert.deepEqual(await decrypt(old, rotated), Buffer.from('written before the rotation'));
  const fresh = await encrypt(Buffer.from('written after'), rotated);
  assert.equal((await readHeader(fresh)).keyId, 'k2');
  assert.deepEqual(await decrypt(fresh, rotated), Buffer.from('written after'));
  await rejectsWith(fresh, 'WRONG_KEY', sut);
});

test('a flipped byte anywhere in the header is TAMPERED, except in the key check (WRONG_KEY)', async () => {
  const { artifact, header } = await fourChunks();
  // magic, version, chunk size, nonce prefix, key id, then key check 16, wrap nonce 12, wrapped key 32, tag 16.
  const keyId = 22;
  const keyCheck = keyId + 2;
  const places = { magic: 0, version: 8, chunkSize: 12, noncePrefix: 15, wrapNonce: keyCheck + 16, wrappedKey: keyCheck + 30, wrapTag: header - 1 };
  for (const [field, offset] of Object.entries(places)) {
    const err = await rejectsWith(flipped(artifact, offset), 'TAMPERED');
    assert.ok(err.message.length > 0, field);
  }
  await rejectsWith(flipped(artifact, keyCheck + 3), 'WRONG_KEY');
  await rejectsWith(flipped(artifact, keyId), 'WRONG_KEY');
});

test('a flipped byte in a chunk is TAMPERED: frame marker, length, ciphertext or tag', async () => {
  const { artifact, frame } = await fourChunks();
  for (const offset of [frame(1), frame(1) + 2, frame(1) + 5 + 30, frame(1) + FRAME - 1, frame(3) + 5 + 3, artifact.length - 1]) {
    await rejectsWith(flipped(artifact, offset), 'TAMPERED');
  }
});

test('no plaintext of a chunk that fails authentication is ever emitted', async () => {
  const { plaintext, artifact, frame } = await fourChunks();
  const sink = new Collector();
  await assert.rejects(
    pipeline(Readable.from([flipped(artifact, frame(2) + 5 + 40)]), createDecryptStream(sut), sink),
    (err: LifeboatError) => err.code === 'TAMPERED' && /chunk 2/.test(err.message),
  );
  assert.deepEqual(sink.received(), plaintext.subarray(0, 2 * CHUNK));
});

test('cutting the artifact short anywhere before the end of its final chunk is TRUNCATED', async () => {
  const { artifact, header, frame } = await fourChunks();
  const cuts = [0, 5, 21, 40, header - 1, header, header + 3, frame(1) + 20, frame(1) + FRAME - 3, frame(2), frame(3), frame(3) + 5, artifact.length - 1];
  for (const cut of cuts) {
    const err = await rejectsWith(artifact.subarray(0, cut), 'TRUNCATED');
    assert.equal(typeof err.details.offset, 'number', `cut at ${cut}`);
  }
});

test('reordered, duplicated, dropped or foreign chunks are TAMPERED', async () => {
  const { artifact, frame } = await fourChunks();
  const part = (i: number): Buffer => artifact.subarray(frame(i), frame(i + 1));
  const head = artifact.subarray(0, frame(0));
  const last = artifact.subarray(frame(3));
  const other = await encrypt(randomBytes(3 * CHUNK + 10));
  const otherHeader = (await readHeader(other)).headerBytes;
  const foreign = other.subarray(otherHeader + FRAME, otherHeader + 2 * FRAME);
  const variants = {
    swapped: [head, part(0), part(2), part(1), last],
    duplicated: [head, part(0), part(1), part(1), part(2), last],
    dropped: [head, part(0), part(2), last],
    spliced: [head, part(0), foreign, part(2), last],
    otherHeader: [other.subarray(0, otherHeader), part(0), part(1), part(2), last],
  };
  for (const [name, parts] of Object.entries(variants)) {
    const err = await rejectsWith(Buffer.concat(parts), 'TAMPERED');
    assert.ok(err.message, name);
  }
});

test('bytes after the final chunk are TAMPERED', async () => {
  const { artifact } = await fourChunks();
  await rejectsWith(Buffer.concat([artifact, Buffer.from('garbage')]), 'TAMPERED');
  await rejectsWith(Buffer.concat([artifact, artifact]), 'TAMPERED');
});

test('input that is not an artifact is TAMPERED, however short', async () => {
  await rejectsWith(Buffer.from('PGDMP'), 'TAMPERED');
  await rejectsWith(Buffer.from('-- PostgreSQL database dump\n'.repeat(10)), 'TAMPERED');
  await rejectsWith(Buffer.alloc(0), 'TRUNCATED');
});

test('decryption streams: many small writes give the same plaintext', async () => {
  const plaintext = randomBytes(5 * CHUNK + 7);
  const artifact = await encrypt(plaintext);
  const pieces = Array.from({ length: artifact.length }, (_, i) => artifact.subarray(i, i + 1));
  const out = await collect(pieces, createDecryptStream(sut));
  assert.equal(createHash('sha256').update(out).digest('hex'), createHash('sha256').update(plaintext).digest('hex'));
});

test('chunk sizes outside 1 byte..64 MiB are refused', () => {
  for (const chunkSize of [0, -1, 1.5, 64 * 1024 * 1024 + 1]) {
    assert.throws(() => createEncryptStream(sut, { chunkSize }), (err: LifeboatError) => err.code === 'BAD_USER_INPUT');
  }
});
