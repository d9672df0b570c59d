import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { LifeboatError } from '@lifeboat/errors';
import {
  createCompressStream,
  createDecompressStream,
  createDecryptStream,
  createEncryptStream,
  createHashTap,
  generateMasterKey,
  keyringFromEnv,
  readHeader,
} from '../src/index';
import { Collector } from './collector';
import { dumpLikeText } from './dump-like-text';

const MiB = 1024 * 1024;
const keyring = keyringFromEnv({ LIFEBOAT_MASTER_KEYS: `${generateMasterKey('current')},${generateMasterKey('previous')}` });

/** The whole artifact path: source → gzip → encrypt → hash → stored bytes; then back. */
async function backupAndRestore(pieces: Iterable<Buffer>): Promise<{ sourceSha: string; restoredSha: string; restoredBytes: number; artifact: Buffer }> {
  const source = createHashTap();
  const stored = createHashTap();
  const artifactSink = new Collector();
  await pipeline(Readable.from(pieces), source, createCompressStream(), createEncryptStream(keyring), stored, artifactSink);
  const artifact = artifactSink.received();
  assert.equal(stored.bytes, artifact.length);

  const restored = createHashTap();
  await pipeline(Readable.from([artifact]), createDecryptStream(keyring), createDecompressStream(), restored, new Collector());
  return { sourceSha: source.digest(), restoredSha: restored.digest(), restoredBytes: restored.bytes, artifact };
}

test('round trips through compress, encrypt, decrypt and decompress, by SHA-256', async () => {
  const sizes = { empty: 0, oneByte: 1, exactlyOneBlock: MiB, oneBlockAndOneByte: MiB + 1 };
  for (const [name, size] of Object.entries(sizes)) {
    const input = randomBytes(size);
    const sut = await backupAndRestore([input]);
    assert.equal(sut.restoredBytes, size, name);
    assert.equal(sut.restoredSha, sut.sourceSha, name);
    assert.equal((await readHeader(sut.artifact)).keyId, 'current');
  }
});

test('a 50 MB dump-like input round trips in pieces of every size', async () => {
  function* pieces(): Generator<Buffer> {
    let i = 0;
    for (const piece of dumpLikeText(50 * 1000 * 1000, 3 * MiB)) {
      // Cut unevenly so that block and chunk boundaries fall everywhere.
      for (let at = 0; at < piece.length; i++) {
        const size = [1, 4096, 65_536, 777_777, 2 * MiB][i % 5];
        yield piece.subarray(at, (at += size));
      }
    }
  }
  const sut = await backupAndRestore(pieces());
  assert.ok(sut.restoredBytes >= 50 * 1000 * 1000);
  assert.equal(sut.restoredSha, sut.sourceSha);
  assert.ok(sut.artifact.length < sut.restoredBytes / 2, 'dump-like text compresses');
});

test('a restore fails with the decryptor code and never emits unauthenticated output', async () => {
  const { artifact } = await backupAndRestore([Buffer.from('COPY t FROM stdin;\n1\tx\n\\.\n'.repeat(1000))]);
  const cut = artifact.subarray(0, artifact.length - 1);
  const sink = new Collector();
  await assert.rejects(
    pipeline(Readable.from([cut]), createDecryptStream(keyring), createDecompressStream(), sink),
    (err: LifeboatError) => err.code === 'TRUNCATED',
  );
  assert.equal(sink.received().length, 0);
});
