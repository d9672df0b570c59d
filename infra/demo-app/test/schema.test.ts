import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createTempDatabase, type TempDatabase, withAdmin } from '@lifeboat/testkit';
import { applySchema, DEMO_ROLES, resetSchema, seedDemo, TENANT_TABLES } from '../src/index';
import { checksums, foreignKeys } from './inspect';

let db: TempDatabase;

before(async () => {
  db = await createTempDatabase('demo_schema');
  await applySchema(db.url);
});

after(async () => {
  await db.drop();
});

/** Tables, columns, constraints, indexes, policies and grants, as one comparable text. */
async function catalog(url: string): Promise<string> {
  return withAdmin(async (c) => {
    const { rows } = await c.query<{ line: string }>(`
      select format('column %s.%s %s %s %s', table_name, column_name, data_type, is_nullable, column_default) as line from information_schema.columns where table_schema = 'public'
      union all select format('constraint %s %s', conrelid::regclass, pg_get_constraintdef(oid)) from pg_constraint where connamespace = 'public'::regnamespace
      union all select format('index %s', indexdef) from pg_indexes where schemaname = 'public'
      union all select format('policy %s %s %s %s', tablename, policyname, qual, with_check) from pg_policies where schemaname = 'public'
      union all select format('grant %s %s %s', table_name, grantee, privilege_type) from information_schema.role_table_grants where table_schema = 'public'
      order by 1`);
    return rows.map((r) => r.line).join('\n');
  }, url);
}

test('the schema applies again to a database that has it, changing neither the schema nor the data', async () => {
  await seedDemo(db.url, { tenants: 2, scale: 0.2, asOf: new Date('2026-01-01T00:00:00Z') });
  const tables = ['tenants', ...TENANT_TABLES];
  const before = { catalog: await catalog(db.url), data: await withAdmin((c) => checksums(c, tables), db.url) };

  await applySchema(db.url);

  assert.equal(await catalog(db.url), before.catalog);
  assert.deepEqual(await withAdmin((c) => checksums(c, tables), db.url), before.data);
});

test('two databases get the schema at the same moment, though the roles they share are global', async () => {
  const [a, b] = await Promise.all([createTempDatabase('demo_schema_a'), createTempDatabase('demo_schema_b')]);
  try {
    await Promise.all([applySchema(a.url), applySchema(b.url)]);
    assert.equal(await catalog(a.url), await catalog(b.url));
  } finally {
    await Promise.all([a.drop(), b.drop()]);
  }
});

test("the schema's role creation survives a concurrent creation of the same role in another database", async () => {
  // The roles exist on any machine that ran the tests once, so the race is replayed with the
  // schema's own role-creation block on a throwaway role name.
  const sql = await readFile(path.resolve(__dirname, '..', '..', 'sql', 'schema.sql'), 'utf8');
  const block = /do \$\$\nbegin\n {2}if not exists \(select from pg_roles where rolname = 'demo_app'\)[\s\S]*?end \$\$;/.exec(sql)?.[0];
  assert.ok(block, 'schema.sql creates demo_app in its own block');
  const role = `lb_t_race_${randomBytes(4).toString('hex')}`;
  const sut = block.replaceAll('demo_app', role);
  const other = await createTempDatabase('demo_schema_race');
  const first = new Client({ connectionString: db.url });
  const second = new Client({ connectionString: other.url });
  await Promise.all([first.connect(), second.connect()]);
  try {
    await first.query('begin');
    await first.query(sut);
    await second.query('begin');
    // Waits on the first transaction's uncommitted role, then meets its unique key.
    const racing = second.query(sut).then(() => second.query('commit'));
    await new Promise((r) => setTimeout(r, 200));
    await first.query('commit');
    await racing;
    const { rows } = await first.query('select rolname from pg_roles where rolname = $1', [role]);
    assert.equal(rows.length, 1);
  } finally {
    await Promise.all([first.end(), second.end()]);
    await withAdmin((c) => c.query(`drop role if exists ${role}`));
    await other.drop();
  }
});

test('TENANT_TABLES holds every table with a tenant_id, parents before children', async () => {
  const { columns, keys } = await withAdmin(
    async (c) => ({
      columns: (await c.query<{ table_name: string }>(`select table_name from information_schema.columns where table_schema = 'public' and column_name = 'tenant_id' order by 1`)).rows.map((r) => r.table_name),
      keys: await foreignKeys(c),
    }),
    db.url,
  );
  assert.deepEqual([...TENANT_TABLES].sort(), columns);
  const order = ['tenants', ...TENANT_TABLES] as string[];
  const childBeforeParent = keys.filter((k) => k.parent !== k.child && order.indexOf(k.parent) >= order.indexOf(k.child));
  assert.deepEqual(childBeforeParent, []);
});

test('every reference between tenant tables carries tenant_id, so no row can point into another tenant', async () => {
  const keys = await withAdmin(foreignKeys, db.url);
  const between = keys.filter((k) => k.parent !== 'tenants');
  assert.ok(between.length >= 14, `${between.length} references between tenant tables`);
  for (const k of between) {
    assert.equal(k.parentColumns[k.childColumns.indexOf('tenant_id')], 'tenant_id', `${k.name} pairs tenant_id with tenant_id`);
  }
  const toTenants = keys.filter((k) => k.parent === 'tenants').map((k) => k.child).sort();
  assert.deepEqual(toTenants, [...TENANT_TABLES].sort());
});

test('every table has a primary key and forced row-level security keyed on app.current_tenant', async () => {
  const rows = await withAdmin(
    async (c) =>
      (
        await c.query<{ table: string; rls: boolean; forced: boolean; pk: boolean; qual: string | null; with_check: string | null }>(`
          select c.relname as table, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
                 exists (select from pg_index x where x.indrelid = c.oid and x.indisprimary) as pk,
                 p.qual, p.with_check
          from pg_class c left join pg_policies p on p.schemaname = 'public' and p.tablename = c.relname
          where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' order by 1`)
      ).rows,
    db.url,
  );
  assert.deepEqual(rows.map((r) => r.table).sort(), ['tenants', ...TENANT_TABLES].sort());
  for (const r of rows) {
    const key = r.table === 'tenants' ? 'id' : 'tenant_id';
    const expected = `(${key} = current_setting('app.current_tenant'::text, true))`;
    assert.deepEqual({ table: r.table, rls: r.rls, forced: r.forced, pk: r.pk, qual: r.qual, withCheck: r.with_check }, { table: r.table, rls: true, forced: true, pk: true, qual: expected, withCheck: expected });
  }
});

test('the roles can log in, never bypass row-level security, and only demo_app may write', async () => {
  const { roles, privileges } = await withAdmin(
    async (c) => ({
      roles: (await c.query(`select rolname, rolcanlogin, rolsuper, rolbypassrls from pg_roles where rolname in ($1, $2) order by 1`, [DEMO_ROLES.app, DEMO_ROLES.export])).rows,
      privileges: (
        await c.query<{ role: string; privilege: string; tables: string }>(
          `select r as role, p as privilege, count(*) filter (where has_table_privilege(r, t, p))::text || '/' || count(*) as tables
           from unnest(array[$1, $2]) r, unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE']) p, unnest($3::text[]) t group by 1, 2 order by 1, 2`,
          [DEMO_ROLES.app, DEMO_ROLES.export, ['tenants', ...TENANT_TABLES]],
        )
      ).rows,
    }),
    db.url,
  );
  assert.deepEqual(roles, [
    { rolname: 'demo_app', rolcanlogin: true, rolsuper: false, rolbypassrls: false },
    { rolname: 'demo_export', rolcanlogin: true, rolsuper: false, rolbypassrls: false },
  ]);
  const all = `${TENANT_TABLES.length + 1}/${TENANT_TABLES.length + 1}`;
  const none = `0/${TENANT_TABLES.length + 1}`;
  assert.deepEqual(privileges, [
    { role: 'demo_app', privilege: 'DELETE', tables: all },
    { role: 'demo_app', privilege: 'INSERT', tables: all },
    { role: 'demo_app', privilege: 'SELECT', tables: all },
    { role: 'demo_app', privilege: 'UPDATE', tables: all },
    { role: 'demo_export', privilege: 'DELETE', tables: none },
    { role: 'demo_export', privilege: 'INSERT', tables: none },
    { role: 'demo_export', privilege: 'SELECT', tables: all },
    { role: 'demo_export', privilege: 'UPDATE', tables: none },
  ]);
});

test('reset empties every table and leaves the same schema', async () => {
  const before = await catalog(db.url);
  await resetSchema(db.url);
  assert.equal(await catalog(db.url), before);
  const { rows } = await withAdmin((c) => c.query<{ n: string }>(`select (${['tenants', ...TENANT_TABLES].map((t) => `(select count(*) from ${t})`).join(' + ')})::text as n`), db.url);
  assert.equal(rows[0].n, '0');
});
