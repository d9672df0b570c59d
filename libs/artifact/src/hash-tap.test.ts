import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { LifeboatError } from '@lifeboat/errors';
import { collect } from '../test/collector';
import { createHashTap } from './index';

test('the tap passes bytes unchanged and knows their SHA-256 and count at the end', async () => {
  const input = randomBytes(100_000);
  const sut = createHashTap();
  assert.throws(() => sut.digest(), (err: LifeboatError) => err.code === 'INTERNAL');
  const out = await collect([input.subarray(0, 1), input.subarray(1, 70_000), input.subarray(70_000)], sut);
  assert.deepEqual(out, input);
  assert.equal(sut.bytes, input.length);
  assert.equal(sut.digest(), createHash('sha256').update(input).digest('hex'));
});

test('an empty stream has the SHA-256 of nothing', async () => {
  const sut = createHashTap();
  await collect(Buffer.alloc(0), sut);
  assert.equal(sut.bytes, 0);
  assert.equal(sut.digest(), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});
