import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { JSONCodec } from 'nats';
import { type LifeboatError } from '@lifeboat/errors';
import { NATS_URL, deleteNamespace, eventually, uniqueNamespace } from '@lifeboat/testkit';
import { EventBus, type Envelope, type Inbox, type InboxItem } from '../src/index';

class MemoryInbox implements Inbox<null> {
  readonly handled = new Set<string>();
  /** The event ids in the order they were committed. */
  readonly committed: string[] = [];
  /** The size of each batch handed over. */
  readonly batches: number[] = [];
  async onceEach(consumer: string, items: InboxItem<null>[]): Promise<boolean[]> {
    this.batches.push(items.length);
    const done = new Set<string>();
    const ran: boolean[] = [];
    for (const { eventId, fn } of items) {
      const key = `${consumer}/${eventId}`;
      const runs = !this.handled.has(key) && !done.has(key);
      if (runs) await fn(null);
      done.add(key);
      ran.push(runs);
    }
    for (const key of done) this.handled.add(key);
    items.forEach(({ eventId }, i) => ran[i] && this.committed.push(eventId));
    return ran;
  }

  /** The event ids run without a record, in order, each time they ran. */
  readonly runs: string[] = [];
  async runEach(items: InboxItem<null>[]): Promise<void> {
    for (const { eventId, fn } of items) {
      await fn(null);
      this.runs.push(eventId);
    }
  }
}

const silent = { info() {}, warn() {}, error() {} };
const namespace = uniqueNamespace('ev');
let a: EventBus;
let b: EventBus;

const started = (service: string) => ({ service, instance: 'i1', version: '1' });

before(async () => {
  a = await EventBus.connect({ servers: NATS_URL, source: 'test-a', namespace, logger: silent });
  b = await EventBus.connect({ servers: NATS_URL, source: 'test-b', namespace, logger: silent });
});

after(async () => {
  await a.close();
  await b.close();
  await deleteNamespace(namespace);
});

test('ensureStreams is idempotent across processes', async () => {
  await Promise.all([a.ensureStreams(), b.ensureStreams(), a.ensureStreams()]);
});

test('a published event reaches a durable consumer validated, with the envelope of the catalog', async () => {
  const got: Envelope<'service.started'>[] = [];
  const consumer = await b.consume('t1', 'service.started', new MemoryInbox(), async (e) => void got.push(e));
  const sent = await a.publish('service.started', started('x'), { correlationId: 'corr-1' });
  await eventually('event delivered', async () => got.length === 1);
  await consumer.stop();
  assert.equal(got[0].id, sent.id);
  assert.equal(got[0].type, 'service.started');
  assert.equal(got[0].version, 1);
  assert.equal(got[0].source, 'test-a');
  assert.equal(got[0].correlationId, 'corr-1');
  assert.deepEqual(got[0].data, started('x'));
});

test('the same id published twice is stored once (Nats-Msg-Id dedupe)', async () => {
  const seen: string[] = [];
  const consumer = await b.consume('t2', 'service.started', new MemoryInbox(), async (e) => void seen.push(e.id));
  const id = randomUUID();
  await a.publish('service.started', started('dup'), { id });
  await a.publish('service.started', started('dup'), { id });
  await a.publish('service.started', started('other'));
  await eventually('two distinct events', async () => seen.length >= 2);
  await new Promise((r) => setTimeout(r, 300));
  await consumer.stop();
  assert.equal(seen.filter((s) => s === id).length, 1);
});

test('a payload that breaks the catalog is refused before sending', async () => {
  await assert.rejects(
    a.publish('backup.created', { backupId: 'not-a-uuid' } as never),
    (err: LifeboatError) => err.code === 'EVENT_INVALID' && /backupId/.test(err.message),
  );
});

test('a failing handler gets the event again, and it is acked once handled', async () => {
  let calls = 0;
  const inbox = new MemoryInbox();
  const consumer = await b.consume('t3', 'dr.declared', inbox, async () => {
    calls++;
    if (calls === 1) throw new Error('database down');
  });
  await a.publish('dr.declared', { incidentId: randomUUID(), level: 'SEV1', description: 'x', declaredBy: 'me', runRunbook: false });
  await eventually('redelivered and handled', async () => inbox.handled.size === 1, 10_000);
  await consumer.stop();
  assert.equal(calls, 2);
});

test('an idempotent consumer runs its handler without the record of ids, again on a redelivery, and acks once it ran', async () => {
  const inbox = new MemoryInbox();
  const incidentId = randomUUID();
  let calls = 0;
  // (The stream also holds the dr.declared events of other tests: only this one is looked at.)
  const consumer = await b.consume(
    't6',
    'dr.declared',
    inbox,
    async (e) => {
      if (e.data.incidentId !== incidentId) return;
      if (++calls === 1) throw new Error('database down');
    },
    { idempotent: true },
  );
  const sent = await a.publish('dr.declared', { incidentId, level: 'SEV1', description: 'x', declaredBy: 'me', runRunbook: false });
  await eventually('redelivered and run', async () => inbox.runs.includes(sent.id), 10_000);
  await new Promise((r) => setTimeout(r, 300));
  await consumer.stop();
  assert.equal(calls, 2);
  assert.deepEqual(inbox.runs.filter((id) => id === sent.id), [sent.id]);
  assert.equal(inbox.handled.size, 0);
});

test('events waiting together are handled in one batch; one failing handler holds back no other event', async () => {
  const inbox = new MemoryInbox();
  const ids = Array.from({ length: 30 }, () => randomUUID());
  const bad = ids[7];
  let badCalls = 0;
  // Published before the consumer exists: all 30 are waiting when it starts.
  const eventIds: string[] = [];
  for (const incidentId of ids) eventIds.push((await a.publish('dr.declared', { incidentId, level: 'SEV2', description: 'x', declaredBy: 'me', runRunbook: false })).id);
  const consumer = await b.consume('t5', 'dr.declared', inbox, async (e) => {
    // Fails in its batch, then alone; succeeds when redelivered.
    if (e.data.incidentId === bad && badCalls++ < 2) throw new Error('database down');
  });
  // (The stream also holds the dr.declared events of other tests: only these 30 are looked at.)
  const ours = () => inbox.committed.filter((id) => eventIds.includes(id));
  await eventually('every event handled, the failing one after its redelivery', async () => ours().length === 30, 10_000);
  await consumer.stop();
  assert.ok(Math.max(...inbox.batches) > 1, `batches: ${inbox.batches.join(', ')}`);
  assert.equal(badCalls, 3);
  const badEvent = eventIds[ids.indexOf(bad)];
  assert.deepEqual(ours().slice(0, 29), eventIds.filter((id) => id !== badEvent), 'the others, in their order, before the failing one');
  assert.equal(ours()[29], badEvent);
});

test('an invalid message on the stream is terminated without calling the handler', async () => {
  let calls = 0;
  const consumer = await b.consume('t4', 'wal.archived', new MemoryInbox(), async () => void calls++);
  await a.nc.jetstream().publish(a.subjects.event('wal.archived'), JSONCodec().encode({ hello: 'world' }));
  const now = new Date().toISOString();
  const good = { segment: '000000010000000000000001', timeline: 1, systemId: '7311', startLsn: '0/1000000', endLsn: '0/2000000', locations: ['r2'], sizeBytes: 16, spooledAt: now, archivedAt: now };
  await a.publish('wal.archived', good);
  await eventually('the valid one handled', async () => calls === 1);
  await new Promise((r) => setTimeout(r, 300));
  await consumer.stop();
  assert.equal(calls, 1);
});

test('replicas sharing a durable consumer handle each event exactly once', async () => {
  const byReplica = { a: 0, b: 0 };
  const inbox = new MemoryInbox();
  const ca = await a.consume('shared', 'backup.verified', inbox, async () => void byReplica.a++);
  const cb = await b.consume('shared', 'backup.verified', inbox, async () => void byReplica.b++);
  for (let i = 0; i < 20; i++) {
    await a.publish('backup.verified', { backupId: randomUUID(), checksum: 'a'.repeat(64), locations: ['local'], verifiedAt: new Date().toISOString() });
  }
  await eventually('all handled', async () => byReplica.a + byReplica.b === 20);
  await new Promise((r) => setTimeout(r, 300));
  await Promise.all([ca.stop(), cb.stop()]);
  assert.equal(byReplica.a + byReplica.b, 20);
});

test('each job on the work queue runs on exactly one of two workers', async () => {
  const runs = new Map<string, string[]>();
  const worker = (name: string) => async (job: { id: string }) => {
    runs.set(job.id, [...(runs.get(job.id) ?? []), name]);
    await new Promise((r) => setTimeout(r, 20));
  };
  const wa = await a.workJobs('backup', worker('a'), { concurrency: 2 });
  const wb = await b.workJobs('backup', worker('b'), { concurrency: 2 });
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    const jobId = randomUUID();
    ids.push(await a.enqueueJob('backup', { jobId, type: 'FULL_DATABASE', tenantIds: null, requestedBy: 'test', scheduleId: null }, jobId));
  }
  await eventually('all jobs ran', async () => ids.every((id) => runs.has(id)));
  await new Promise((r) => setTimeout(r, 300));
  await Promise.all([wa.stop(), wb.stop()]);
  for (const id of ids) assert.equal(runs.get(id)?.length, 1, `job ${id} ran ${runs.get(id)?.length} times`);
});

test('watchEvents streams live envelopes and return() releases the subscription at once', async () => {
  const sut = b.watchEvents(['service.started']);
  await b.nc.flush(); // the server has the subscription before anything is published
  const pending = sut.next();
  await a.publish('service.started', started('live'));
  const first = await pending;
  assert.equal(first.done, false);
  assert.deepEqual(first.value?.data, started('live'));
  const waiting = sut.next();
  await sut.return();
  assert.equal(sut.released, true);
  assert.deepEqual(await waiting, { value: undefined, done: true });
});

test('progress messages reach a watcher of that operation only', async () => {
  const sut = b.watchProgress<{ phase: string }>('backup', ['job1', '*']);
  await b.nc.flush();
  a.publishProgress('backup', ['job2', 'b1'], { phase: 'nope' });
  a.publishProgress('backup', ['job1', 'b2'], { phase: 'dump' });
  const got = await sut.next();
  assert.deepEqual(got.value, { phase: 'dump' });
  await sut.return();
});

test('progress messages published moments apart are sent together, in order, and close sends what is pending', async () => {
  const sut = b.watchProgress<{ phase: string }>('backup', ['job3', '*']);
  await b.nc.flush();
  const phases = ['starting', 'dump', 'manifest', 'completed'];
  for (const phase of phases) {
    a.publishProgress('backup', ['job3', 'b1'], { phase });
    await new Promise((resolve) => setImmediate(resolve));
  }
  for (const phase of phases) assert.deepEqual((await sut.next()).value, { phase });
  const c = await EventBus.connect({ servers: NATS_URL, source: 'test-c', namespace, logger: silent });
  c.publishProgress('backup', ['job3', 'b2'], { phase: 'failed' });
  await c.close();
  assert.deepEqual((await sut.next()).value, { phase: 'failed' });
  await sut.return();
});
