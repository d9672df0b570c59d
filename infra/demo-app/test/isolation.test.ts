import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, type DatabaseError } from 'pg';
import { createTempDatabase, type TempDatabase, withAdmin } from '@lifeboat/testkit';
import { DEMO_ROLES, seedDemo, TENANT_TABLES } from '../src/index';

let db: TempDatabase;
const A = 't0001';
const B = 't0002';
const TABLES = ['tenants', ...TENANT_TABLES] as const;
const keyOf = (table: string) => (table === 'tenants' ? 'id' : 'tenant_id');

before(async () => {
  db = await createTempDatabase('demo_isolation');
  await seedDemo(db.url, { tenants: 3, scale: 0.2, asOf: new Date('2026-01-01T00:00:00Z') });
  await withAdmin((c) => c.query(`insert into load_marks (tenant_id, note) values ('t0001', 'a'), ('t0002', 'b'), ('t0003', 'c')`), db.url);
});

after(async () => {
  await db.drop();
});

/** A session as postgres that has switched to `role`, with the tenant setting when given. */
async function session<T>(role: string, tenant: string | undefined, fn: (c: Client) => Promise<T>): Promise<T> {
  return withAdmin(async (c) => {
    await c.query(`set role ${role}`);
    if (tenant !== undefined) await c.query(`select set_config('app.current_tenant', $1, false)`, [tenant]);
    return fn(c);
  }, db.url);
}

async function sqlState(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    return (err as DatabaseError).code;
  }
}

for (const role of [DEMO_ROLES.app, DEMO_ROLES.export]) {
  test(`${role} with app.current_tenant = ${A} sees ${A}'s rows in every table and none of another tenant's`, async () => {
    const counts = await session(role, A, async (c) => {
      const result: Record<string, { own: number; others: number }> = {};
      for (const t of TABLES) {
        const { rows } = await c.query<{ own: string; others: string }>(`select count(*) filter (where ${keyOf(t)} = $1) as own, count(*) filter (where ${keyOf(t)} <> $1) as others from ${t}`, [A]);
        result[t] = { own: Number(rows[0].own), others: Number(rows[0].others) };
      }
      return result;
    });
    for (const t of TABLES) {
      assert.ok(counts[t].own > 0, `${t} shows ${A}'s rows`);
      assert.equal(counts[t].others, 0, `${t} hides other tenants' rows`);
    }
  });

  test(`${role} without app.current_tenant, or with it empty, sees no row at all`, async () => {
    for (const tenant of [undefined, '']) {
      const total = await session(role, tenant, async (c) => {
        let n = 0;
        for (const t of TABLES) n += Number((await c.query<{ n: string }>(`select count(*) as n from ${t}`)).rows[0].n);
        return n;
      });
      assert.equal(total, 0, `setting ${JSON.stringify(tenant)}`);
    }
  });
}

test("demo_app cannot write a row into another tenant, nor move one there, but writes its own", async () => {
  await session(DEMO_ROLES.app, A, async (c) => {
    const customer = (await c.query<{ id: string }>('select id from customers limit 1')).rows[0].id;
    const insertActivity = (tenant: string) => c.query(`insert into activities (tenant_id, customer_id, kind, subject) values ($1, $2, 'note', 'hello')`, [tenant, customer]);
    assert.equal(await sqlState(insertActivity(B)), '42501');
    assert.equal(await sqlState(c.query(`insert into load_marks (tenant_id) values ($1)`, [B])), '42501');
    assert.equal(await sqlState(c.query(`update customers set tenant_id = $1 where id = $2`, [B, customer])), '42501');
    assert.equal(await sqlState(c.query(`update tenants set id = $1`, ['t0009'])), '42501');
    assert.equal((await c.query(`delete from orders where tenant_id = $1`, [B])).rowCount, 0);

    await c.query('begin');
    assert.equal((await insertActivity(A)).rowCount, 1);
    await c.query('rollback');
  });
});

test('demo_export can only read', async () => {
  await session(DEMO_ROLES.export, A, async (c) => {
    assert.equal(await sqlState(c.query(`insert into load_marks (tenant_id) values ($1)`, [A])), '42501');
    assert.equal(await sqlState(c.query(`update products set name = 'x'`)), '42501');
    assert.equal(await sqlState(c.query(`delete from activities`)), '42501');
  });
});

test('both roles can log in with a connection string and stay under row-level security', async () => {
  for (const role of [DEMO_ROLES.app, DEMO_ROLES.export]) {
    const url = new URL(db.url);
    url.username = role;
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      assert.equal((await client.query<{ u: string }>('select current_user as u')).rows[0].u, role);
      assert.equal((await client.query<{ n: string }>('select count(*) as n from orders')).rows[0].n, '0');
      await client.query(`set app.current_tenant = '${B}'`);
      assert.deepEqual((await client.query<{ tenant_id: string }>('select distinct tenant_id from orders')).rows, [{ tenant_id: B }]);
    } finally {
      await client.end();
    }
  }
});

test("a row pointing at another tenant's row is refused even by a role that bypasses row-level security", async () => {
  await withAdmin(async (c) => {
    const pick = async (sql: string, tenant: string) => (await c.query<{ id: string }>(sql, [tenant])).rows[0].id;
    const orderOfB = await pick('select id from orders where tenant_id = $1 limit 1', B);
    const productOfA = await pick('select id from products where tenant_id = $1 limit 1', A);
    const customerOfB = await pick('select id from customers where tenant_id = $1 limit 1', B);
    const invoiceOfB = await pick('select id from invoices where tenant_id = $1 limit 1', B);

    const attempts = {
      'order line of A on an order of B': () => c.query(`insert into order_lines (tenant_id, order_id, line_no, product_id, quantity, unit_price) values ($1, $2, 99, $3, 1, 1)`, [A, orderOfB, productOfA]),
      'activity of A about a customer of B': () => c.query(`insert into activities (tenant_id, customer_id, kind, subject) values ($1, $2, 'call', 'x')`, [A, customerOfB]),
      'ledger entry of A on an invoice of B': () => c.query(`insert into ledger_entries (tenant_id, invoice_id, account_code, posted_on, debit) values ($1, $2, '1000', current_date, 1)`, [A, invoiceOfB]),
      'order line of B moved to A': () => c.query(`update order_lines set tenant_id = $1 where order_id = $2`, [A, orderOfB]),
    };
    const states: Record<string, string | undefined> = {};
    for (const [what, attempt] of Object.entries(attempts)) states[what] = await sqlState(attempt());
    assert.deepEqual(states, Object.fromEntries(Object.keys(attempts).map((k) => [k, '23503'])));
  }, db.url);
});
