import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { Client } from 'pg';
import { seedDemo } from '@lifeboat/demo-app';
import type { LifeboatError } from '@lifeboat/errors';
import { createTempDatabase, eventually, type TempDatabase, withAdmin } from '@lifeboat/testkit';
import { type ArchiveHeader, TenantExporter, importTenant, listTenants, planImport, readTenantArchive, tenantTables, writeTenantArchive, type TenancySettings } from '../src/index';
import { PIECE_BYTES } from '../src/archive';

const settings: TenancySettings = { tenantQuery: 'select id, name, active from tenants order by id', tenantColumn: 'tenant_id', tenantSetting: 'app.current_tenant' };
let db: TempDatabase;

before(async () => {
  db = await createTempDatabase('tenancy');
  await seedDemo(db.url, { tenants: 4, scale: 1 });
});

after(async () => {
  await db.drop();
});

const withClient = <T>(fn: (c: Client) => Promise<T>): Promise<T> => withAdmin(fn, db.url);

/** md5 of every tenant table's rows of one tenant, in key order. */
async function fingerprint(tenant: string): Promise<Record<string, string>> {
  return withClient(async (c) => {
    await c.query('set row_security = off');
    const out: Record<string, string> = {};
    for (const t of await tenantTables(c, 'tenant_id')) {
      const order = t.primaryKey.map((k) => `"${k}"`).join(', ');
      const { rows } = await c.query(`select md5(coalesce(string_agg(x::text, '|' order by ${order}), '')) as h, count(*) as n from "${t.schema}"."${t.table}" x where tenant_id = $1`, [tenant]);
      out[t.table] = `${rows[0].n}:${rows[0].h}`;
    }
    return out;
  });
}

async function exportArchive(tenant: string): Promise<{ header: ArchiveHeader; bytes: Buffer }> {
  const exporter = await TenantExporter.open(db.url, settings, 'demo_export', 2);
  try {
    const { header, archive } = await exporter.export(tenant);
    const chunks: Buffer[] = [];
    for await (const c of archive) chunks.push(c as Buffer);
    return { header, bytes: Buffer.concat(chunks) };
  } finally {
    await exporter.close();
  }
}

async function importArchive(bytes: Buffer, mode: 'FULL' | 'MERGE') {
  return withClient(async (c) => {
    await c.query('begin');
    try {
      const { header, sections } = await readTenantArchive(Readable.from([bytes]));
      const plans = planImport(header, await tenantTables(c, 'tenant_id'), mode);
      const result = await importTenant(c, header, sections, plans, { mode, tenantColumn: 'tenant_id', tenantSetting: 'app.current_tenant' });
      await c.query('commit');
      return result;
    } catch (err) {
      await c.query('rollback');
      throw err;
    }
  });
}

test('tenants come from the configured query, tables in foreign-key order', async () => {
  await withClient(async (c) => {
    const tenants = await listTenants(c, settings);
    assert.deepEqual(tenants.map((t) => t.id), ['t0001', 't0002', 't0003', 't0004']);
    assert.equal(tenants.find((t) => t.id === 't0003')?.active, false);
    const order = (await tenantTables(c, 'tenant_id')).map((t) => t.table);
    assert.ok(order.indexOf('orders') < order.indexOf('order_lines'));
    assert.ok(order.indexOf('customers') < order.indexOf('contacts'));
    assert.ok(!order.includes('tenants'));
  });
});

test('an export holds exactly one tenant\'s rows, counted in the same snapshot', async () => {
  const { header, bytes } = await exportArchive('t0002');
  const expected = await fingerprint('t0002');
  for (const t of header.tables) assert.equal(String(t.rows), expected[t.table].split(':')[0], t.table);
  assert.doesNotMatch(bytes.toString(), /\tt0001\t|\tt0003\t|^t0001\t/m);
});

test('with one table\'s RLS policy gone, the export still holds no other tenant\'s row (the filter holds)', async () => {
  // Without its policy the table is readable whole (RLS off on it): only the tenant filter is left.
  await withAdmin((c) => c.query('drop policy tenant_isolation on orders; alter table orders no force row level security; alter table orders disable row level security'), db.url);
  try {
    const { header } = await exportArchive('t0001');
    const orders = header.tables.find((t) => t.table === 'orders')!;
    assert.equal(`${orders.rows}`, (await fingerprint('t0001')).orders.split(':')[0]);
    const visible = await withClient(async (c) => {
      await c.query("begin; set local role demo_export; select set_config('app.current_tenant', 't0001', true)");
      const r = await c.query('select count(distinct tenant_id) as n from orders');
      await c.query('rollback');
      return r.rows[0].n;
    });
    assert.ok(Number(visible) > 1, 'every tenant is visible in orders: only the filter kept them out');
  } finally {
    await withAdmin(
      (c) =>
        c.query(`alter table orders enable row level security; alter table orders force row level security;
                 create policy tenant_isolation on orders using (tenant_id = current_setting('app.current_tenant', true)) with check (tenant_id = current_setting('app.current_tenant', true))`),
      db.url,
    );
  }
});

test('as the export role with the tenant setting made, other tenants\' rows are invisible (RLS holds)', async () => {
  await withClient(async (c) => {
    await c.query('begin');
    await c.query('set local role demo_export');
    await c.query("select set_config('app.current_tenant', 't0001', true)");
    const { rows } = await c.query("select count(*) as n from orders where tenant_id = 't0002'");
    const all = await c.query('select count(distinct tenant_id) as n from order_lines');
    await c.query('rollback');
    assert.equal(rows[0].n, '0');
    assert.equal(all.rows[0].n, '1');
  });
});

test('a row of another tenant in an export fails it loudly', async () => {
  const header: ArchiveHeader = {
    tenantId: 't0001',
    tenantColumn: 'tenant_id',
    exportedAt: new Date().toISOString(),
    tables: [{ schema: 'public', table: 'x', columns: [{ name: 'id', type: 'int', notNull: true, hasDefault: false }, { name: 'tenant_id', type: 'text', notNull: true, hasDefault: false }], primaryKey: ['id'], rows: 2 }],
  };
  const sut = writeTenantArchive(header, async () => Readable.from([Buffer.from('1\tt0001\n2\tt0002\n')]));
  await assert.rejects(async () => {
    for await (const _ of sut) void _;
  }, (err: LifeboatError) => err.code === 'BACKUP_FAILED' && /row of tenant t0002 in public.x/.test(err.message));
});

test('an archive of many small parts is passed on in pieces of PIECE_BYTES, the last excepted, and reads back whole', async () => {
  const table = (i: number) => ({ schema: 'public', table: `x${i}`, columns: [{ name: 'id', type: 'int', notNull: true, hasDefault: false }, { name: 'tenant_id', type: 'text', notNull: true, hasDefault: false }], primaryKey: ['id'], rows: 3000 });
  const header: ArchiveHeader = { tenantId: 't0001', tenantColumn: 'tenant_id', exportedAt: new Date().toISOString(), tables: [0, 1, 2].map(table) };
  // Each table's rows come in pieces of one row, as a slow COPY would give them.
  const rows = Array.from({ length: 3000 }, (_, i) => Buffer.from(`${String(i).padStart(150, '0')}\tt0001\n`));
  const pieces: Buffer[] = [];
  for await (const piece of writeTenantArchive(header, async () => Readable.from(rows))) pieces.push(piece as Buffer);
  assert.ok(pieces.slice(0, -1).every((p) => p.length >= PIECE_BYTES));
  assert.ok(pieces.length > 1 && pieces.length < 4, `${pieces.length} pieces`);
  const { sections } = await readTenantArchive(Readable.from(pieces));
  for await (const section of sections) {
    let n = 0;
    for await (const _ of section.rows) n++;
    assert.equal(n, 3000);
  }
});

test('FULL replaces a scrambled tenant exactly, and no other tenant changes', async () => {
  const { bytes } = await exportArchive('t0004');
  const before = { t4: await fingerprint('t0004'), t1: await fingerprint('t0001') };
  await withAdmin(async (c) => {
    await c.query("delete from order_lines where tenant_id = 't0004' and line_no > 1");
    await c.query("update customers set name = 'scrambled' where tenant_id = 't0004'");
    await c.query("delete from activities where tenant_id = 't0004'");
  }, db.url);
  assert.notDeepEqual(await fingerprint('t0004'), before.t4);
  const result = await importArchive(bytes, 'FULL');
  assert.ok(result['public.customers'].deleted > 0);
  assert.deepEqual(await fingerprint('t0004'), before.t4);
  assert.deepEqual(await fingerprint('t0001'), before.t1);
});

test('MERGE brings deleted rows back, keeps rows made since, and reports kept and conflicting rows', async () => {
  const { bytes } = await exportArchive('t0001');
  await withAdmin(async (c) => {
    await c.query("delete from activities where tenant_id = 't0001' and id in (select id from activities where tenant_id = 't0001' order by id limit 3)");
    await c.query("update warehouses set name = 'Renamed' where id = (select id from warehouses where tenant_id = 't0001' order by id limit 1)");
    await c.query("insert into activities (tenant_id, customer_id, kind, subject) select 't0001', customer_id, kind, 'made after the backup' from activities where tenant_id = 't0001' limit 1");
  }, db.url);
  const result = await importArchive(bytes, 'MERGE');
  assert.equal(result['public.activities'].inserted, 3);
  assert.equal(result['public.warehouses'].conflicts, 1);
  assert.equal(result['public.warehouses'].inserted, 0);
  const made = await withAdmin((c) => c.query("select count(*) as n from activities where tenant_id = 't0001' and subject = 'made after the backup'"), db.url);
  assert.equal(made.rows[0].n, '1');
});

test('a schema change: a dropped or nullable new column is bridged; a retyped column is refused by name, before anything changes', async () => {
  const { bytes } = await exportArchive('t0002');
  const before = await fingerprint('t0002');
  await withAdmin((c) => c.query('alter table products add column note text'), db.url);
  await importArchive(bytes, 'FULL');
  assert.deepEqual(Object.keys(await fingerprint('t0002')), Object.keys(before));
  await withAdmin((c) => c.query('alter table contacts alter column email type varchar(300)'), db.url);
  await assert.rejects(importArchive(bytes, 'FULL'), (err: LifeboatError) => err.code === 'CONFLICT' && /column public\.contacts\.email was text in the backup and is character varying\(300\) now/.test(err.message));
  await withAdmin((c) => c.query('alter table contacts alter column email type text; alter table products drop column note; alter table products add column must text not null default \'\'; alter table products alter column must drop default'), db.url);
  await assert.rejects(importArchive(bytes, 'FULL'), (err: LifeboatError) => /public\.products\.must is new since the backup, NOT NULL and without a default/.test(err.message));
  await withAdmin((c) => c.query('alter table products drop column must'), db.url);
});

test('closing the exporter right after reading an archive leaves no connection behind', async () => {
  for (let i = 0; i < 3; i++) await exportArchive('t0001');
  // A backend leaves pg_stat_activity a moment after its client has hung up; one left open stays.
  const exporting = async () => {
    const { rows } = await withAdmin(
      (c) => c.query<{ n: string }>("select count(*) as n from pg_stat_activity where datname = current_database() and application_name = 'lifeboat-tenant-export'"),
      db.url,
    );
    return Number(rows[0].n);
  };
  const left = await eventually('no export connection left', async () => ((await exporting()) === 0 ? 'none' : undefined), 5_000, 50).catch((err: Error) => err.message);
  assert.equal(left, 'none');
});
