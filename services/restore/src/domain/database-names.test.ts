import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asideDatabaseName, restoredDatabaseName, workingDatabaseName } from './database-names';

test('restore database names are readable and stay within 63 bytes', () => {
  const at = new Date('2026-11-27T02:00:41Z');
  assert.equal(restoredDatabaseName('lifeboat_demo', '4ed7ba06-49b7-44a4-81cc-ab28db62e5de', at), 'lifeboat_demo_r202611270200_4ed7ba06');
  assert.equal(workingDatabaseName('app', 'abcdef12-0000'), 'app_lbrestore_abcdef12');
  assert.equal(asideDatabaseName('app', at), 'app_before_202611270200');
  const long = restoredDatabaseName('x'.repeat(80), '12345678-aaaa', at);
  assert.equal(long.length, 63);
  assert.ok(long.endsWith('_r202611270200_12345678'));
});
