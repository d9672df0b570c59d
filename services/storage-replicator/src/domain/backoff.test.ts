import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryDelayMs } from './backoff';

test('the delay doubles from one second up to the cap, within ±20 %', () => {
  const mid = () => 0.5;
  assert.deepEqual([1, 2, 3, 4, 10].map((a) => retryDelayMs(a, 30_000, mid)), [1000, 2000, 4000, 8000, 30_000]);
  assert.equal(retryDelayMs(1, 30_000, () => 0), 800);
  assert.equal(retryDelayMs(1, 30_000, () => 1), 1200);
});
