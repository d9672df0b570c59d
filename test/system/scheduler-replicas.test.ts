/**
 * Two scheduler replicas at once: a schedule every few seconds fires exactly once per occurrence,
 * and killing the replica that holds the lease moves firing to the other within one period.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { withAdmin } from '@lifeboat/testkit';
import { startSystem, type System } from '../src/index';

const PERIOD_S = 5;
let sys: System;
let admin: string;

before(async () => {
  sys = await startSystem({ tenants: 2, replicas: { scheduler: 2 }, env: { LIFEBOAT_SCHEDULER_LEASE_SECONDS: '3', LIFEBOAT_SCHEDULER_TICK_MS: '250' } });
  admin = await sys.login();
});

after(async () => {
  await sys?.stop();
});

interface Fired {
  scheduledFor: string;
  firedBy: string;
  status: string;
}

/** Read from the scheduler's own table: the gateway may be pointing at the replica that was killed. */
async function fired(scheduleId: string): Promise<Fired[]> {
  return withAdmin(
    async (c) =>
      (
        await c.query<Fired>(
          `select to_char(scheduled_for at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "scheduledFor", fired_by as "firedBy", status
             from scheduler.backup_job where schedule_id = $1 order by scheduled_for`,
          [scheduleId],
        )
      ).rows,
    sys.env.LIFEBOAT_DATABASE_URL,
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('every occurrence fires exactly once across two replicas, and survives the lease holder dying', async () => {
  const r = await sys.graphql<{ createSchedule: { id: string } }>(
    `mutation { createSchedule(input: { name: "every ${PERIOD_S}s", cron: "*/${PERIOD_S} * * * * *", timezone: "UTC", type: FULL_DATABASE }) { id } }`,
    {},
    admin,
  );
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const id = r.data!.createSchedule.id;
  await sleep(3 * PERIOD_S * 1000);

  const holder = await withAdmin(async (c) => (await c.query(`select holder from scheduler.lease where name = 'scheduler'`)).rows[0].holder as string, sys.env.LIFEBOAT_DATABASE_URL);
  const holderPid = Number(holder.slice(holder.lastIndexOf('-') + 1));
  const holderName = sys.supervisor.pid('scheduler') === holderPid ? 'scheduler' : 'scheduler-2';
  const survivorName = holderName === 'scheduler' ? 'scheduler-2' : 'scheduler';
  const killedAt = Date.now();
  await sys.supervisor.kill(holderName);
  await sleep(3 * PERIOD_S * 1000);
  await withAdmin((c) => c.query('update scheduler.schedule set enabled = false, next_run_at = null where id = $1', [id]), sys.env.LIFEBOAT_DATABASE_URL);

  const jobs = await fired(id);
  const times = jobs.map((j) => new Date(j.scheduledFor).getTime());
  assert.equal(new Set(times).size, times.length, 'no occurrence fired twice');
  for (let i = 1; i < times.length; i++) assert.equal(times[i] - times[i - 1], PERIOD_S * 1000, `no occurrence skipped (${jobs[i - 1].scheduledFor} → ${jobs[i].scheduledFor})`);
  assert.ok(jobs.length >= 5, `${jobs.length} occurrences fired`);
  assert.ok(jobs.every((j) => j.status !== 'MISSED'), 'none missed');
  const survivorPid = sys.supervisor.pid(survivorName)!;
  const after = jobs.filter((j) => new Date(j.scheduledFor).getTime() > killedAt);
  assert.ok(after.length >= 2);
  assert.ok(after.every((j) => j.firedBy.endsWith(`-${survivorPid}`)), 'the survivor fires after the kill');
  const firstAfter = new Date(after[0].scheduledFor).getTime();
  assert.ok(firstAfter - killedAt <= PERIOD_S * 1000, 'firing moved within one period');
});
