/**
 * Promises the repository keeps about itself: generated files are current, every service's
 * committed migrations create exactly what its entities describe, and docker-compose.yml is valid.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { openDatabase, schemaDrift } from '@lifeboat/db';
import { createTempDatabase } from '@lifeboat/testkit';
import { GATEWAY_DATABASE } from '@lifeboat/gateway/dist/src/gateway';
import { ROOT, SERVICE_NAMES } from '../src/index';

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(args[0], args.slice(1), { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
}

test('.env.example lists every option of every process, with its default', () => {
  const r = run([process.execPath, 'scripts/env-example.mjs', '--check']);
  assert.equal(r.status, 0, r.stderr);
});

test('the committed subgraph SDL the gateway composes matches every service', () => {
  const r = run([process.execPath, 'scripts/sdl.mjs', '--check']);
  assert.equal(r.status, 0, r.stderr);
});

test('every service and the gateway: committed migrations match the entities', async () => {
  const definitions = [GATEWAY_DATABASE];
  for (const name of SERVICE_NAMES) {
    const mod = (await import(join(ROOT, 'services', name, 'dist/src/service.js'))) as Record<string, object>;
    definitions.push(Object.values(mod).find((v) => v && typeof v === 'object' && 'schema' in v) as typeof GATEWAY_DATABASE);
  }
  // One database each: the schema diff of a shared database would list the other schemas' tables.
  for (const def of definitions) {
    const db = await createTempDatabase('migrations');
    try {
      const orm = await openDatabase({ url: db.url, schema: def.schema, entities: def.entities, migrations: def.migrations });
      try {
        assert.equal(await schemaDrift(orm), '', `${def.schema}: migrations and entities differ (run npm run migration -- <package dir>)`);
      } finally {
        await orm.close(true);
      }
    } finally {
      await db.drop();
    }
  }
});

test('docker-compose.yml is valid, and refuses to start without its secrets', () => {
  const withSecrets = run(['docker-compose', 'config', '-q'], {
    LIFEBOAT_INTERNAL_SECRET: 'x'.repeat(32),
    LIFEBOAT_JWT_SECRET: 'y'.repeat(32),
    LIFEBOAT_ADMIN_PASSWORD: 'z'.repeat(12),
  });
  assert.equal(withSecrets.status, 0, withSecrets.stderr);
  const without = run(['docker-compose', 'config', '-q'], { LIFEBOAT_INTERNAL_SECRET: '', LIFEBOAT_JWT_SECRET: '', LIFEBOAT_ADMIN_PASSWORD: '' });
  assert.notEqual(without.status, 0);
  assert.match(without.stderr, /LIFEBOAT_INTERNAL_SECRET|LIFEBOAT_JWT_SECRET|LIFEBOAT_ADMIN_PASSWORD/);
});
