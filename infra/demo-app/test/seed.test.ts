import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTempDatabase, type TempDatabase, withAdmin } from '@lifeboat/testkit';
import { demoStats, seedDemo, TENANT_TABLES, type SeedReport } from '../src/index';
import { ACTIVITY_BODIES, PRODUCT_TAGS } from '../src/vocabulary';
import { checksums, orphans } from './inspect';

const asOf = new Date('2026-01-01T00:00:00Z');
const TABLES = ['tenants', ...TENANT_TABLES];
let db: TempDatabase;
let seeded: SeedReport;

before(async () => {
  db = await createTempDatabase('demo_seed');
  seeded = await seedDemo(db.url, { tenants: 10, scale: 1, seed: 42, asOf });
});

after(async () => {
  await db.drop();
});

const query = async <T extends object>(sql: string, params: unknown[] = [], url = db.url) => withAdmin(async (c) => (await c.query<T>(sql, params)).rows, url);

test('the same seed gives the same rows in every table; another seed gives other rows', async () => {
  const dbs = await Promise.all([createTempDatabase('demo_seed_a'), createTempDatabase('demo_seed_b'), createTempDatabase('demo_seed_c')]);
  try {
    await Promise.all(dbs.map((d, i) => seedDemo(d.url, { tenants: 4, scale: 0.5, seed: i < 2 ? 7 : 8, asOf })));
    const [first, second, other] = await Promise.all(dbs.map((d) => withAdmin((c) => checksums(c, TABLES), d.url)));
    assert.deepEqual(second, first);
    const generated = TABLES.filter((t) => t !== 'load_marks' && t !== 'accounts');
    assert.deepEqual(generated.filter((t) => other[t] !== first[t]), generated, 'every table but the fixed chart of accounts differs');
  } finally {
    await Promise.all(dbs.map((d) => d.drop()));
  }
});

test('the report counts what is in the tables, and stats agree', async () => {
  const sut = await demoStats(db.url);
  for (const [table, n] of Object.entries(seeded.rows)) assert.equal(sut.tables[table as keyof typeof sut.tables], n, table);
  assert.equal(sut.tables.load_marks, 0);
  assert.equal(seeded.totalRows, Object.values(seeded.rows).reduce((a, b) => a + b, 0));
  assert.deepEqual([seeded.firstTenant, seeded.lastTenant], ['t0001', 't0010']);
  assert.deepEqual(sut.tenants, { total: 10, active: 8, inactive: 2 });
  assert.ok(sut.rowsPerTenant && sut.rowsPerTenant.largest.rows >= 5 * sut.rowsPerTenant.smallest.rows, JSON.stringify(sut.rowsPerTenant));
  assert.deepEqual((await query<{ id: string }>('select id from tenants where not active order by id')).map((t) => t.id), ['t0003', 't0010']);
});

test('every foreign key holds and the ledger balances per invoice', async () => {
  const broken = Object.entries(await withAdmin(orphans, db.url)).filter(([, n]) => n > 0);
  assert.deepEqual(broken, []);
  const unbalanced = await query(`select invoice_id from ledger_entries group by tenant_id, invoice_id having sum(debit) <> sum(credit)`);
  assert.deepEqual(unbalanced, []);
  const [{ issued }] = await query<{ issued: string }>(`select count(*) as issued from invoices i where status <> 'draft' and not exists (select from ledger_entries l where l.invoice_id = i.id)`);
  assert.equal(issued, '0');
  const [{ totals }] = await query<{ totals: string }>(
    `select count(*) as totals from orders o where total <> (select sum(round(quantity * unit_price * (100 - discount_pct) / 100, 2)) from order_lines l where l.tenant_id = o.tenant_id and l.order_id = o.id)`,
  );
  assert.equal(totals, '0', 'order totals are the sum of their lines');
});

test('text with tabs, newlines, backslashes, quotes and accents arrives intact', async () => {
  const bodies = (await query<{ body: string }>('select distinct body from activities where body is not null')).map((r) => r.body);
  assert.deepEqual([...bodies].sort(), [...ACTIVITY_BODIES].sort());
  const tags = (await query<{ tag: string }>('select distinct unnest(tags) as tag from products')).map((r) => r.tag);
  assert.deepEqual([...tags].sort(), [...PRODUCT_TAGS].sort());
  const [care] = await query<{ care: string }>(`select attributes->>'care' as care from products where attributes ? 'care' limit 1`);
  assert.equal(care.care, 'Hand wash only.\nDo not tumble dry.');
  const [names] = await query<{ apostrophes: string; accents: string; nulls: string }>(
    `select count(*) filter (where name like '%''%') as apostrophes, count(*) filter (where name ~ '[éèëöüøåñçłőễ]') as accents, count(*) filter (where email is null) as nulls from customers`,
  );
  assert.ok(Number(names.apostrophes) > 0 && Number(names.accents) > 0 && Number(names.nulls) > 0, JSON.stringify(names));
});

test('more tenants can be added after the existing ones; an existing tenant id adds nothing', async () => {
  const before = await demoStats(db.url);
  const sut = await seedDemo(db.url, { tenants: 2, firstTenant: 11, scale: 0.2, asOf });
  assert.deepEqual([sut.firstTenant, sut.lastTenant], ['t0011', 't0012']);
  const [{ n }] = await query<{ n: string }>(`select count(*) as n from tenants`);
  assert.equal(n, '12');
  const [{ max }] = await query<{ max: string }>(`select max(id) as max from activities`);
  assert.equal(Number(max), before.tables.activities + sut.rows.activities, 'identity keys continue where they were');

  const middle = await demoStats(db.url);
  await assert.rejects(seedDemo(db.url, { tenants: 2, firstTenant: 12, scale: 0.2, asOf }), /tenant t0012 already exists/);
  assert.deepEqual((await demoStats(db.url)).tables, middle.tables);
});

test('seeding needs a role that bypasses row-level security', async () => {
  const url = new URL(db.url);
  url.username = 'demo_app';
  await assert.rejects(seedDemo(url.toString(), { tenants: 1, firstTenant: 50, asOf }), /bypasses row-level security/);
});
