import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { parseManifest, serializeManifest, manifestKeyOf, isManifestKey, type ArtifactManifest } from './index';

const sample: Omit<ArtifactManifest, 'format'> = {
  backupId: randomUUID(),
  type: 'FULL_DATABASE',
  tenantId: null,
  jobId: randomUUID(),
  key: 'full/demo/2026-11-27/x.pgdump.gz.enc',
  filename: 'x.pgdump.gz.enc',
  sizeBytes: 10,
  originalSizeBytes: 100,
  checksum: 'a'.repeat(64),
  keyId: 'k1',
  compression: { algorithm: 'gzip', level: 9 },
  encryption: { algorithm: 'aes-256-gcm' },
  source: { database: 'demo', serverVersion: '15.19', serverVersionNum: 150019, tool: 'pg_dump 15', tables: [{ schema: 'public', table: 't', rows: 3 }] },
  startedAt: new Date().toISOString(),
  completedAt: new Date().toISOString(),
  details: {},
};

test('a manifest round-trips, and its key sits beside the artifact', () => {
  const sut = parseManifest(serializeManifest(sample));
  assert.deepEqual(sut, { ...sample, format: 'lifeboat-manifest/1' });
  assert.equal(manifestKeyOf(sample.key), `${sample.key}.manifest.json`);
  assert.ok(isManifestKey(manifestKeyOf(sample.key)));
});

test('anything else is MANIFEST_INVALID, naming the field', () => {
  assert.throws(() => parseManifest('{'), { code: 'MANIFEST_INVALID' });
  assert.throws(() => parseManifest(JSON.stringify({ ...sample, format: 'lifeboat-manifest/1', checksum: 'nope' })), /checksum/);
  assert.throws(() => serializeManifest({ ...sample, sizeBytes: -1 }));
});
