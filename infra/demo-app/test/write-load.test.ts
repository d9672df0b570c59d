import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTempDatabase, type TempDatabase, withAdmin } from '@lifeboat/testkit';
import { DEMO_ROLES, seedDemo, writeLoad, type LoadMark } from '../src/index';
import { orphans } from './inspect';

let db: TempDatabase;

before(async () => {
  db = await createTempDatabase('demo_load');
  await seedDemo(db.url, { tenants: 4, scale: 0.3, asOf: new Date() });
});

after(async () => {
  await db.drop();
});

function urlAs(role: string): string {
  const url = new URL(db.url);
  url.username = role;
  return url.toString();
}

test('two seconds of load commit steadily, each transaction leaving a mark with its commit time', async () => {
  const marks: LoadMark[] = [];
  const sut = await writeLoad(db.url, { ratePerSecond: 25, durationMs: 2000, onCommit: (m) => marks.push(m) });

  assert.ok(sut.transactions >= 20 && sut.transactions <= 52, `${sut.transactions} transactions`);
  assert.ok(sut.elapsedMs >= 1900 && sut.elapsedMs < 4000, `${sut.elapsedMs} ms`);
  assert.equal(marks.length, sut.transactions);
  assert.equal(sut.inserted.load_marks, sut.transactions);
  assert.deepEqual(sut.lastMark, marks.at(-1));
  const written = Object.entries(sut.inserted).filter(([t]) => t !== 'load_marks').reduce((n, [, c]) => n + c, 0);
  assert.ok(written > sut.transactions / 2, `${written} rows besides the marks`);

  const stored = await withAdmin(
    async (c) =>
      (
        await c.query<{ id: string; tenant_id: string; committed_at: Date; iso: string; note: string }>(
          `select *, to_char(committed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as iso from load_marks order by id`,
        )
      ).rows,
    db.url,
  );
  assert.deepEqual(
    stored.map((m) => ({ id: Number(m.id), tenantId: m.tenant_id, committedAt: m.committed_at, committedAtIso: m.iso, note: m.note })),
    marks,
  );
  for (let i = 1; i < marks.length; i++) {
    assert.ok(marks[i].id > marks[i - 1].id);
    assert.ok(marks[i].committedAtIso > marks[i - 1].committedAtIso, `mark ${marks[i].id} committed after mark ${marks[i - 1].id}`);
  }
  assert.match(marks[0].committedAtIso, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.equal(Date.parse(marks[0].committedAtIso), marks[0].committedAt.getTime());
  assert.ok(!marks.some((m) => m.tenantId === 't0003'), 'inactive tenants get no load');
  assert.deepEqual(Object.entries(await withAdmin(orphans, db.url)).filter(([, n]) => n > 0), []);
});

test('the load stops at once when its signal aborts, finishing the transaction in flight', async () => {
  const controller = new AbortController();
  const started = Date.now();
  setTimeout(() => controller.abort(), 300);
  const sut = await writeLoad(db.url, { ratePerSecond: 10, signal: controller.signal });
  assert.ok(Date.now() - started < 1000, `stopped after ${Date.now() - started} ms`);
  assert.ok(sut.transactions >= 1 && sut.transactions <= 5, `${sut.transactions} transactions`);

  const none = await writeLoad(db.url, { ratePerSecond: 10, signal: AbortSignal.abort() });
  assert.equal(none.transactions, 0);
});

test('the application role can run the load itself, given its tenants', async () => {
  const sut = await writeLoad(urlAs(DEMO_ROLES.app), { ratePerSecond: 20, durationMs: 400, tenants: ['t0002'] });
  assert.ok(sut.transactions > 0);
  assert.equal(sut.lastMark?.tenantId, 't0002');
  await assert.rejects(writeLoad(urlAs(DEMO_ROLES.app), { ratePerSecond: 20, durationMs: 400 }), /no tenants to write to/);
});

test('the load refuses to start without a way to stop', async () => {
  await assert.rejects(writeLoad(db.url, { ratePerSecond: 20 }), RangeError);
});
