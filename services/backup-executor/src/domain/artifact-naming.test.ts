import { test } from 'node:test';
import assert from 'node:assert/strict';
import { artifactName } from './artifact-naming';

test('artifact keys sort by type, source and day, and name the backup', () => {
  const sut = artifactName('FULL_DATABASE', 'lifeboat demo', '12345678-aaaa-bbbb-cccc-dddddddddddd', new Date('2026-11-27T02:00:41.120Z'));
  assert.deepEqual(sut, {
    key: 'full/lifeboat_demo/2026/11/27/full-lifeboat_demo-20261127T020041Z-12345678.pgdump.gz.enc',
    filename: 'full-lifeboat_demo-20261127T020041Z-12345678.pgdump.gz.enc',
  });
});
