// Generates a service's next migration from the difference between its entities and what its
// committed migrations create: `npm run migration -- services/<name>`. Runs against a throwaway
// database on the local PostgreSQL, writes src/migrations/Migration<timestamp>.ts and rewrites
// src/migrations/index.ts to list every migration file in order. Build (tsc -b) first.
import { createRequire } from 'node:module';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execSync } from 'node:child_process';

const require = createRequire(import.meta.url);
const dir = resolve(process.argv[2] ?? '');
const pattern = process.argv[3] ?? 'service.js';
const { MikroORM } = require(require.resolve('@mikro-orm/postgresql', { paths: [dir] }));
const db = require(require.resolve('@lifeboat/db', { paths: [dir] }));
const mod = require(join(dir, 'dist/src', pattern));
const def = Object.values(mod).find((v) => v && typeof v === 'object' && 'schema' in v && 'entities' in v);
if (!def) throw new Error(`no service definition exported by ${dir}/dist/src/${pattern}`);

const name = `lb_migration_${randomBytes(4).toString('hex')}`;
const admin = process.env.LIFEBOAT_TEST_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const url = new URL(admin);
url.pathname = `/${name}`;
const migrationsDir = join(dir, 'src/migrations');
try {
  const orm = await db.openDatabase({ url: url.toString(), schema: def.schema, entities: def.entities, migrations: def.migrations });
  await orm.close(true);
  const opts = db.ormOptions({ url: url.toString(), schema: def.schema, entities: def.entities, migrations: def.migrations });
  opts.migrations = { ...opts.migrations, path: migrationsDir, pathTs: migrationsDir, emit: 'ts', fileName: (ts) => `Migration${ts}` };
  const orm2 = await MikroORM.init(opts);
  const result = await orm2.getMigrator().createMigration(migrationsDir);
  await orm2.close(true);
  if (!result.fileName) console.log('no changes: the migrations already match the entities');
  else console.log(`wrote ${join(migrationsDir, result.fileName)}`);
} finally {
  execSync(`psql "${admin}" -qc 'drop database if exists ${name} with (force)'`);
}

const files = readdirSync(migrationsDir).filter((f) => /^Migration\d+.*\.ts$/.test(f)).sort();
const names = files.map((f) => f.replace(/\.ts$/, ''));
writeFileSync(
  join(migrationsDir, 'index.ts'),
  `/** This service's committed migrations, oldest first (rewritten by scripts/migration.mjs). */
import type { MigrationObject } from '@mikro-orm/core';
${names.map((n) => `import { ${n} } from './${n}';`).join('\n')}

export const migrations: MigrationObject[] = [
${names.map((n) => `  { name: '${n}', class: ${n} },`).join('\n')}
];
`,
);
