/** Bad configuration: a process exits at once, naming the variable and what is wrong, printing no secret. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../src/index';

function start(entry: string, env: Record<string, string>) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LIFEBOAT_')));
  return spawnSync(process.execPath, [join(ROOT, entry)], { env: { ...clean, ...env }, encoding: 'utf8', timeout: 20_000 });
}

test('a service without its internal secret exits naming LIFEBOAT_INTERNAL_SECRET', () => {
  const r = start('services/restore/dist/src/main.js', {});
  assert.equal(r.status, 1);
  assert.match(r.stderr, /CONFIG_INVALID/);
  assert.match(r.stderr, /LIFEBOAT_INTERNAL_SECRET: is required/);
});

test('malformed values are each named, and secret values never printed', () => {
  const r = start('services/dr/dist/src/main.js', {
    LIFEBOAT_INTERNAL_SECRET: 'too-short-secret-value',
    LIFEBOAT_DATABASE_URL: 'mysql://localhost/x',
    LIFEBOAT_DR_PORT: 'eighty',
    LIFEBOAT_LOG_LEVEL: 'loud',
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /LIFEBOAT_INTERNAL_SECRET: must be at least 32 characters/);
  assert.match(r.stderr, /LIFEBOAT_DATABASE_URL: must use postgres or postgresql/);
  assert.match(r.stderr, /LIFEBOAT_DR_PORT: must be an integer/);
  assert.match(r.stderr, /LIFEBOAT_LOG_LEVEL: must be one of/);
  assert.doesNotMatch(r.stderr, /too-short-secret-value/);
});

test('the gateway without its JWT secret exits naming LIFEBOAT_JWT_SECRET', () => {
  const r = start('gateway/dist/src/main.js', { LIFEBOAT_INTERNAL_SECRET: 'x'.repeat(40) });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /LIFEBOAT_JWT_SECRET: is required/);
});

test('the backup-executor without a master key refuses to start, naming LIFEBOAT_MASTER_KEYS', () => {
  const r = start('services/backup-executor/dist/src/main.js', { LIFEBOAT_INTERNAL_SECRET: 'x'.repeat(40) });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /LIFEBOAT_MASTER_KEYS: is required/);
});
