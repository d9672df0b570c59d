import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createCompressStream, createEncryptStream, createHashTap, generateMasterKey, keyringFromEnv } from '../src/index';
import { dumpLikeText } from './dump-like-text';

const MB = 1000 * 1000;
const TOTAL = 300 * MB;
const ALLOWED_GROWTH = 150 * MB;

test('300 MB go through compress and encrypt in bounded memory', async (t) => {
  // 8 MiB of text, served again and again at shifting offsets: the source itself costs nothing.
  const pool = Buffer.concat([...dumpLikeText(8 * 1024 * 1024)]);
  function* source(): Generator<Buffer> {
    for (let sent = 0, i = 0; sent < TOTAL; i++) {
      const at = (i * 7919) % (pool.length - 1024 * 1024);
      const piece = pool.subarray(at, at + 1024 * 1024);
      sent += piece.length;
      yield piece;
    }
  }
  const keyring = keyringFromEnv({ LIFEBOAT_MASTER_KEYS: generateMasterKey('mem') });
  const hash = createHashTap();
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });

  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const started = Date.now();
  try {
    // Level 1 keeps the test fast; memory is set by block size, chunk size and worker count, not by
    // the level. Two workers, so that the bound holds on machines with many cores too.
    await pipeline(Readable.from(source()), createCompressStream({ level: 1, workers: 2 }), createEncryptStream(keyring), hash, discard);
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  const growth = peak - baseline;
  t.diagnostic(
    `rss baseline ${(baseline / MB).toFixed(0)} MB, peak ${(peak / MB).toFixed(0)} MB, growth ${(growth / MB).toFixed(0)} MB ` +
      `for ${TOTAL / MB} MB in (${(hash.bytes / MB).toFixed(0)} MB out) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  assert.ok(hash.bytes > 0);
  assert.ok(growth < ALLOWED_GROWTH, `rss grew by ${(growth / MB).toFixed(0)} MB`);
});
