import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type CopyValue } from '../src/copy-text';
import { generateTenant, SEED_COLUMNS, tenantActive, tenantId, type SeedTable, type TenantSpec } from '../src/tenant-data';

const asOf = new Date('2026-01-01T00:00:00Z');

function generate(spec: TenantSpec): Map<SeedTable, CopyValue[][]> {
  const rows = new Map<SeedTable, CopyValue[][]>();
  const sink = {
    row(table: SeedTable, values: CopyValue[]) {
      const list = rows.get(table) ?? [];
      list.push(values);
      rows.set(table, list);
    },
  };
  generateTenant(sink, spec);
  return rows;
}

const total = (rows: Map<SeedTable, CopyValue[][]>) => [...rows.values()].reduce((n, r) => n + r.length, 0);

test('a tenant is the same for the same seed, and different for another seed or tenant', () => {
  const spec = { seed: 42, tenantNumber: 5, scale: 1, asOf };
  assert.deepEqual(generate(spec), generate(spec));
  assert.notDeepEqual(generate({ ...spec, seed: 43 }), generate(spec));
  assert.notDeepEqual(generate({ ...spec, tenantNumber: 6 }), generate(spec));
});

test('every row has one value per column, and every time lies in the generated history', () => {
  const rows = generate({ seed: 1, tenantNumber: 1, scale: 1, asOf });
  for (const [table, list] of rows) {
    for (const values of list) assert.equal(values.length, SEED_COLUMNS[table].length, table);
  }
  const orders = rows.get('orders') ?? [];
  const at = SEED_COLUMNS.orders.indexOf('ordered_at');
  for (const o of orders) {
    const t = Date.parse(String(o[at]));
    assert.ok(t < asOf.getTime() && t > asOf.getTime() - 731 * 86_400_000);
  }
});

test('scale multiplies row counts; tenants differ in size at least fivefold', () => {
  const one = generate({ seed: 42, tenantNumber: 3, scale: 1, asOf });
  const three = generate({ seed: 42, tenantNumber: 3, scale: 3, asOf });
  const ratio = (three.get('orders')?.length ?? 0) / (one.get('orders')?.length ?? 1);
  assert.ok(ratio > 2.8 && ratio < 3.2, `orders ×${ratio}`);
  assert.equal(three.get('accounts')?.length, one.get('accounts')?.length);

  const sizes = Array.from({ length: 10 }, (_, i) => total(generate({ seed: 42, tenantNumber: i + 1, scale: 1, asOf })));
  assert.ok(Math.max(...sizes) >= 5 * Math.min(...sizes), `sizes ${sizes.join(', ')}`);
  assert.ok(Math.max(...sizes) < 4000, 'scale 1 stays a few hundred rows per table');
});

test('tenant ids are t + four digits, and a couple in ten are inactive', () => {
  assert.deepEqual([1, 42, 12345].map(tenantId), ['t0001', 't0042', 't12345']);
  const inactive = Array.from({ length: 10 }, (_, i) => i + 1).filter((n) => !tenantActive(n));
  assert.deepEqual(inactive.map(tenantId), ['t0003', 't0010']);
});
