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

test("a tenant's backup is named after its tenant, in its source's directory of the day", () => {
  const sut = artifactName('TENANT_BACKUP', 'lifeboat_demo', '12345678-aaaa-bbbb-cccc-dddddddddddd', new Date('2026-11-27T02:00:41.120Z'), 'acme/eu');
  assert.deepEqual(sut, {
    key: 'tenant/lifeboat_demo/2026/11/27/tenant-lifeboat_demo-acme_eu-20261127T020041Z-12345678.tenant.gz.enc',
    filename: 'tenant-lifeboat_demo-acme_eu-20261127T020041Z-12345678.tenant.gz.enc',
  });
});
