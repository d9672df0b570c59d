import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthChecks } from './index';

test('readiness is ok only when every check passes, and names the failing one', async () => {
  const sut = new HealthChecks(100)
    .add('database', async () => {})
    .add('nats', async () => {
      throw new Error('connection refused');
    })
    .add('slow', () => new Promise(() => {}));
  const r = await sut.ready();
  assert.equal(r.ok, false);
  assert.equal(r.checks.database.ok, true);
  assert.equal(r.checks.nats.error, 'connection refused');
  assert.match(r.checks.slow.error ?? '', /no answer within 100 ms/);
});
