/**
 * Tenants end to end: the weekly all-tenants backup job; the seed's Scenario 1 (a tenant deletes
 * data, the admin merge-restores that tenant from last night's backup, no other tenant changes);
 * a FULL tenant restore after the tenant's data was scrambled; and bad requests refused.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { eventually, withAdmin } from '@lifeboat/testkit';
import { jobOf, startRestore, startSystem, tenantFingerprint, tenantIdsOf, waitForRestore, type System } from '../src/index';

let sys: System;
let admin: string;
let operator: string;
let weeklyJob: string;
let tenants: string[];

const code = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code;

before(async () => {
  sys = await startSystem({ tenants: 6 });
  admin = await sys.login();
  await sys.graphql('mutation { createUser(input: { email: "op@example.com", password: "operator-password-1", role: OPERATOR }) { id } }', {}, admin);
  operator = await sys.login('op@example.com', 'operator-password-1');
  tenants = await tenantIdsOf(sys.source.url);
});

after(async () => {
  await sys?.stop();
});

async function fingerprints(): Promise<Record<string, Record<string, string>>> {
  return Object.fromEntries(await Promise.all(tenants.map(async (t) => [t, await tenantFingerprint(sys.source.url, t)] as const)));
}

test('tenants lists every tenant with its size; a weekly-style all-tenants job backs up each active one and verifies, each announced once', async () => {
  const listed = await sys.graphql<{ tenants: { id: string; active: boolean; rows: number; lastBackup: { id: string } | null }[] }>('{ tenants { id name active rows lastBackup { id } } }', {}, operator);
  assert.equal(listed.errors, undefined, JSON.stringify(listed.errors));
  assert.deepEqual(listed.data!.tenants.map((t) => t.id), tenants);
  assert.ok(listed.data!.tenants.every((t) => t.rows > 0 && t.lastBackup === null));
  const active = listed.data!.tenants.filter((t) => t.active).map((t) => t.id);
  assert.ok(active.length < tenants.length, 'the demo has inactive tenants');

  // backup.verified, as automation sees it: once a backup, however many of its copies finish together.
  const client = createClient({ url: sys.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${admin}` }, retryAttempts: 0 });
  const announced: string[] = [];
  const errors: unknown[] = [];
  const unsubscribe = client.subscribe<{ events: { data: { backupId: string } } }>(
    { query: 'subscription { events(types: ["backup.verified"]) { data } }' },
    { next: (m) => void (m.data && announced.push(m.data.events.data.backupId)), error: (e) => void errors.push(e), complete: () => {} },
  );
  await sleep(500); // subscribed (as the foundation test does)
  const r = await sys.graphql<{ triggerBackup: { id: string } }>('mutation { triggerBackup(input: { type: TENANT_BACKUP, allTenants: true }) { id status } }', {}, operator);
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  weeklyJob = r.data!.triggerBackup.id;
  const job = await eventually('every tenant backup verified', async () => {
    const j = await jobOf(sys, admin, weeklyJob);
    return j.status === 'SUCCEEDED' && j.backups.length === active.length && j.backups.every((b) => b.status === 'VERIFIED') ? j : undefined;
  }, 60_000, 500);
  assert.deepEqual(job.backups.map((b) => b.tenantId).sort(), [...active].sort());
  for (const b of job.backups) assert.deepEqual(b.copies.map((c) => c.status), ['VERIFIED', 'VERIFIED', 'VERIFIED']);
  await sleep(1500); // the unannounced-verification poll runs every second
  unsubscribe();
  await client.dispose();
  assert.deepEqual(errors, []);
  assert.deepEqual([...announced].sort(), job.backups.map((b) => b.id).sort(), 'one backup.verified per backup of the job');
  const after = await sys.graphql<{ tenants: { id: string; lastBackup: { id: string; type: string } | null }[] }>('{ tenants { id lastBackup { id type } } }', {}, operator);
  for (const t of after.data!.tenants) assert.equal(t.lastBackup?.type ?? null, active.includes(t.id) ? 'TENANT_BACKUP' : null, t.id);
});

test("Scenario 1: a tenant's deleted orders and customers come back by MERGE; its new rows stay; every other tenant is byte-identical", async () => {
  const victim = 't0002';
  const before = await fingerprints();
  await withAdmin(async (c) => {
    // The tenant deletes a slice of its customers, with what hangs off them, and some orders.
    const gone = "(select id from customers where tenant_id = 't0002' order by id limit 3)";
    await c.query(`delete from ledger_entries where tenant_id = 't0002' and invoice_id in (select id from invoices where tenant_id = 't0002' and customer_id in ${gone})`);
    await c.query(`delete from invoices where tenant_id = 't0002' and customer_id in ${gone}`);
    await c.query(`delete from stock_movements where tenant_id = 't0002' and order_id in (select id from orders where tenant_id = 't0002' and customer_id in ${gone})`);
    await c.query(`delete from order_lines where tenant_id = 't0002' and order_id in (select id from orders where tenant_id = 't0002' and customer_id in ${gone})`);
    await c.query(`delete from orders where tenant_id = 't0002' and customer_id in ${gone}`);
    await c.query(`delete from activities where tenant_id = 't0002' and customer_id in ${gone}`);
    await c.query(`delete from contacts where tenant_id = 't0002' and customer_id in ${gone}`);
    await c.query(`delete from customers where tenant_id = 't0002' and id in ${gone}`);
    // ...and keeps working: a customer created since last night.
    await c.query("insert into customers (tenant_id, name, country, segment) values ('t0002', 'Created after the backup', 'FR', 'retail')");
  }, sys.source.url);
  assert.notDeepEqual(await tenantFingerprint(sys.source.url, victim), before[victim]);

  const started = await startRestore(sys, operator, { jobId: weeklyJob, mode: 'MERGE', tenantIds: [victim] });
  assert.equal(started.errors, undefined, JSON.stringify(started.errors));
  const log = await waitForRestore(sys, admin, started.data!.startRestore.id);
  assert.equal(log.status, 'COMPLETED', log.errorMessage ?? '');
  assert.deepEqual(log.tenantIds, [victim]);
  const results = log.tenantResults![victim];
  assert.equal(results['public.customers'].inserted, 3);
  assert.ok(results['public.orders'].inserted > 0);
  assert.ok(results['public.warehouses'].kept > 0);

  const now = await fingerprints();
  for (const t of tenants.filter((x) => x !== victim)) assert.deepEqual(now[t], before[t], `tenant ${t} changed`);
  const restoredCounts = Object.fromEntries(Object.entries(now[victim]).map(([table, f]) => [table, Number(f.split(':')[0])]));
  const originalCounts = Object.fromEntries(Object.entries(before[victim]).map(([table, f]) => [table, Number(f.split(':')[0])]));
  assert.deepEqual({ ...restoredCounts, customers: restoredCounts.customers - 1 }, originalCounts, 'every deleted row is back, plus the new customer');
  const kept = await withAdmin((c) => c.query("select count(*) as n from customers where tenant_id = 't0002' and name = 'Created after the backup'"), sys.source.url);
  assert.equal(kept.rows[0].n, '1');
});

test('a FULL tenant restore after the tenant was scrambled brings it back exactly (ADMIN, confirmed)', async () => {
  const victim = 't0004';
  const job = await jobOf(sys, admin, weeklyJob);
  const backup = job.backups.find((b) => b.tenantId === victim)!;
  const pristine = await tenantFingerprint(sys.source.url, victim);
  await withAdmin(async (c) => {
    await c.query("update customers set name = 'SCRAMBLED', email = null where tenant_id = 't0004'");
    await c.query("update order_lines set quantity = quantity + 7 where tenant_id = 't0004'");
    await c.query("delete from activities where tenant_id = 't0004'");
    await c.query("insert into warehouses (tenant_id, code, name, city, country, opened_on) values ('t0004', 'ZZ-NEW', 'Not in the backup', 'Lyon', 'FR', now())");
  }, sys.source.url);
  assert.notDeepEqual(await tenantFingerprint(sys.source.url, victim), pristine);
  const others = Object.fromEntries(await Promise.all(tenants.filter((t) => t !== victim).map(async (t) => [t, await tenantFingerprint(sys.source.url, t)] as const)));

  assert.equal(code(await startRestore(sys, operator, { backupId: backup.id, mode: 'FULL', confirm: sys.source.name })), 'FORBIDDEN');
  assert.equal(code(await startRestore(sys, admin, { backupId: backup.id, mode: 'FULL' })), 'BAD_USER_INPUT');
  const started = await startRestore(sys, admin, { backupId: backup.id, mode: 'FULL', confirm: sys.source.name });
  assert.equal(started.errors, undefined, JSON.stringify(started.errors));
  const log = await waitForRestore(sys, admin, started.data!.startRestore.id);
  assert.equal(log.status, 'COMPLETED', log.errorMessage ?? '');

  // Nothing of the tenant changed between the backup and the scrambling: it must be exactly as before.
  assert.deepEqual(await tenantFingerprint(sys.source.url, victim), pristine);
  for (const [t, f] of Object.entries(others)) assert.deepEqual(await tenantFingerprint(sys.source.url, t), f, `tenant ${t} changed`);
});

test('bad tenant requests are refused with BAD_USER_INPUT, and nothing is done', async () => {
  assert.equal(code(await sys.graphql('mutation { triggerBackup(input: { type: TENANT_BACKUP, tenantIds: ["t9999"] }) { id } }', {}, operator)), 'BAD_USER_INPUT');
  assert.equal(code(await sys.graphql('mutation { triggerBackup(input: { type: TENANT_BACKUP }) { id } }', {}, operator)), 'BAD_USER_INPUT');
  assert.equal(code(await sys.graphql('mutation { triggerBackup(input: { type: TENANT_BACKUP, allTenants: true, tenantIds: ["t0001"] }) { id } }', {}, operator)), 'BAD_USER_INPUT');
  const restores = (await sys.graphql<{ restores: unknown[] }>('{ restores(limit: 500) { id } }', {}, admin)).data!.restores.length;
  const r = await startRestore(sys, operator, { jobId: weeklyJob, mode: 'MERGE', tenantIds: ['t0001', 't9999'] });
  assert.equal(code(r), 'BAD_USER_INPUT');
  assert.match(r.errors![0].message, /t9999/);
  assert.equal((await sys.graphql<{ restores: unknown[] }>('{ restores(limit: 500) { id } }', {}, admin)).data!.restores.length, restores);
});
