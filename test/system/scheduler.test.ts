/**
 * The scheduler through the gateway: the seed's schedules on a fresh start, changed by an admin
 * and kept across a restart; a schedule set to fire shortly fires once and makes a verified
 * backup; one-off jobs for later; bad input refused with nothing saved.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '@lifeboat/events';
import { eventually } from '@lifeboat/testkit';
import { jobOf, startSystem, waitForBackup, type System } from '../src/index';

let sys: System;
let admin: string;

interface ScheduleView {
  id: string;
  name: string;
  cron: string;
  timezone: string;
  type: string;
  enabled: boolean;
  allTenants: boolean;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastOutcome: string | null;
}
const FIELDS = 'id name cron timezone type enabled allTenants tenantIds nextRunAt lastRunAt lastOutcome';
const code = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code;

before(async () => {
  sys = await startSystem({ tenants: 3, env: { LIFEBOAT_SCHEDULE_TIMEZONE: 'Europe/Paris' } });
  admin = await sys.login();
});

after(async () => {
  await sys?.stop();
});

async function schedules(): Promise<ScheduleView[]> {
  const r = await sys.graphql<{ schedules: ScheduleView[] }>(`{ schedules { ${FIELDS} } }`, {}, admin);
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data!.schedules;
}

test("the seed's schedules exist on a fresh start, in the configured timezone", async () => {
  const s = await schedules();
  const byName = Object.fromEntries(s.map((x) => [x.name, x]));
  assert.equal(byName['Daily full database backup'].cron, '0 2 * * *');
  assert.equal(byName['Daily full database backup'].type, 'FULL_DATABASE');
  assert.equal(byName['Weekly per-tenant backup'].cron, '0 3 * * 0');
  assert.equal(byName['Weekly per-tenant backup'].allTenants, true);
  assert.equal(byName['Daily configuration backup'].cron, '0 4 * * *');
  assert.equal(byName['WAL archive check'].cron, '*/5 * * * *');
  assert.equal(byName['WAL archive check'].type, 'WAL_ARCHIVE');
  for (const x of s) {
    assert.equal(x.timezone, 'Europe/Paris');
    assert.ok(x.enabled && x.nextRunAt);
  }
  const next = new Date(byName['Daily full database backup'].nextRunAt!);
  assert.equal(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(next), '02:00');
});

test('an admin changes a schedule, and a scheduler restart keeps the change (and does not recreate a deleted one)', async () => {
  const all = await schedules();
  const full = all.find((x) => x.name === 'Daily full database backup')!;
  const config = all.find((x) => x.name === 'Daily configuration backup')!;
  const r = await sys.graphql<{ updateSchedule: ScheduleView }>(
    `mutation ($id: ID!) { updateSchedule(id: $id, input: { name: "Nightly full backup", cron: "30 1 * * *", timezone: "America/New_York", type: FULL_DATABASE }) { ${FIELDS} } }`,
    { id: full.id },
    admin,
  );
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  assert.equal((await sys.graphql(`mutation { deleteSchedule(id: "${config.id}") }`, {}, admin)).errors, undefined);
  const operatorToken = await (async () => {
    await sys.graphql('mutation { createUser(input: { email: "op@example.com", password: "operator-password-1", role: OPERATOR }) { id } }', {}, admin);
    return sys.login('op@example.com', 'operator-password-1');
  })();
  assert.equal(code(await sys.graphql(`mutation { pauseSchedule(id: "${full.id}") { id } }`, {}, operatorToken)), 'FORBIDDEN');

  const pid = sys.supervisor.pid('scheduler')!;
  process.kill(pid, 'SIGKILL');
  await eventually('scheduler back', async () => {
    const p = sys.supervisor.pid('scheduler');
    return p !== undefined && p !== pid && (await sys.graphql('{ schedules { id } }', {}, admin)).errors === undefined;
  }, 30_000, 250);
  const after = await schedules();
  const changed = after.find((x) => x.id === full.id)!;
  assert.equal(changed.name, 'Nightly full backup');
  assert.equal(changed.cron, '30 1 * * *');
  assert.equal(changed.timezone, 'America/New_York');
  assert.equal(after.some((x) => x.name === 'Daily configuration backup'), false);
  assert.equal(after.length, 3);
});

test('bad input is BAD_USER_INPUT naming the field, and nothing is saved', async () => {
  const count = (await schedules()).length;
  const create = (input: string) => sys.graphql(`mutation { createSchedule(input: { ${input} }) { id } }`, {}, admin);
  const cases: [string, RegExp][] = [
    ['name: "x", cron: "61 * * * *", type: FULL_DATABASE', /^cron:/],
    ['name: "x", cron: "0 2 * * *", timezone: "Mars/Olympus", type: FULL_DATABASE', /^timezone:/],
    ['name: "x", cron: "0 2 * * *", type: TENANT_BACKUP, tenantIds: ["t0001", "t9999"]', /^tenantIds: no such tenant: t9999/],
    ['name: "x", cron: "0 2 * * *", type: TENANT_BACKUP', /^tenantIds:/],
  ];
  for (const [input, message] of cases) {
    const r = await create(input);
    assert.equal(code(r), 'BAD_USER_INPUT', input);
    assert.match(r.errors![0].message, message);
  }
  const past = await sys.graphql(`mutation { triggerBackup(input: { type: FULL_DATABASE, runAt: "${new Date(Date.now() - 60_000).toISOString()}" }) { id } }`, {}, admin);
  assert.equal(code(past), 'BAD_USER_INPUT');
  assert.match(past.errors![0].message, /^runAt: .* is in the past/);
  assert.equal((await schedules()).length, count);
});

test('a schedule set to fire a few seconds from now fires once and makes a verified backup', async () => {
  const at = new Date(Date.now() + 6000);
  const cron = `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
  const r = await sys.graphql<{ createSchedule: ScheduleView }>(`mutation { createSchedule(input: { name: "soon", cron: "${cron}", timezone: "UTC", type: FULL_DATABASE }) { ${FIELDS} } }`, {}, admin);
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const id = r.data!.createSchedule.id;
  const jobs = await eventually('the schedule fired', async () => {
    const j = await sys.graphql<{ backupJobs: { id: string; scheduledFor: string; status: string }[] }>(`{ backupJobs(scheduleId: "${id}") { id scheduledFor status requestedBy firedBy } }`, {}, admin);
    return j.data!.backupJobs.length > 0 ? j.data!.backupJobs : undefined;
  }, 30_000, 250);
  assert.equal(jobs.length, 1);
  assert.equal(new Date(jobs[0].scheduledFor).getTime(), Math.floor(at.getTime() / 1000) * 1000);
  const backup = await waitForBackup(sys, admin, jobs[0].id, ['VERIFIED', 'FAILED']);
  assert.equal(backup.status, 'VERIFIED');
  await new Promise((res) => setTimeout(res, 2000));
  const again = await sys.graphql<{ backupJobs: unknown[] }>(`{ backupJobs(scheduleId: "${id}") { id } }`, {}, admin);
  assert.equal(again.data!.backupJobs.length, 1, 'fired once');
  const s = (await schedules()).find((x) => x.id === id)!;
  assert.equal(s.lastOutcome, 'SUCCEEDED');
  assert.ok(new Date(s.nextRunAt!).getTime() > Date.now() + 3_600_000, 'next run is tomorrow');
});

test('triggerBackup with runAt waits until then; pause, resume and runScheduleNow work', async () => {
  const runAt = new Date(Date.now() + 3000).toISOString();
  const r = await sys.graphql<{ triggerBackup: { id: string; status: string } }>(`mutation { triggerBackup(input: { type: FULL_DATABASE, runAt: "${runAt}" }) { id status runAt } }`, {}, admin);
  assert.equal(r.data!.triggerBackup.status, 'SCHEDULED');
  assert.equal((await jobOf(sys, admin, r.data!.triggerBackup.id)).backups.length, 0);
  const done = await waitForBackup(sys, admin, r.data!.triggerBackup.id, ['COMPLETED', 'VERIFIED', 'FAILED']);
  assert.notEqual(done.status, 'FAILED');
  const job = await sys.graphql<{ backupJob: { startedAt: string } }>(`{ backupJob(id: "${r.data!.triggerBackup.id}") { startedAt } }`, {}, admin);
  assert.ok(new Date(job.data!.backupJob.startedAt).getTime() >= new Date(runAt).getTime());

  const weekly = (await schedules()).find((x) => x.name === 'Weekly per-tenant backup')!;
  const paused = await sys.graphql<{ pauseSchedule: ScheduleView }>(`mutation { pauseSchedule(id: "${weekly.id}") { ${FIELDS} } }`, {}, admin);
  assert.deepEqual([paused.data!.pauseSchedule.enabled, paused.data!.pauseSchedule.nextRunAt], [false, null]);
  const resumed = await sys.graphql<{ resumeSchedule: ScheduleView }>(`mutation { resumeSchedule(id: "${weekly.id}") { ${FIELDS} } }`, {}, admin);
  assert.equal(resumed.data!.resumeSchedule.enabled, true);
  assert.equal(new Date(resumed.data!.resumeSchedule.nextRunAt!).getUTCDay(), 0);
  const now = await sys.graphql<{ runScheduleNow: { id: string; type: string } }>(`mutation { runScheduleNow(id: "${weekly.id}") { id type } }`, {}, admin);
  assert.equal(now.data!.runScheduleNow.type, 'TENANT_BACKUP');
  const ran = await eventually('the tenant job ran', async () => {
    const j = await jobOf(sys, admin, now.data!.runScheduleNow.id);
    return ['SUCCEEDED', 'PARTIAL', 'FAILED'].includes(j.status) ? j : undefined;
  }, 60_000, 500);
  assert.equal(ran.status, 'SUCCEEDED', ran.message ?? '');
});

test("a job's started and finished events handled together leave it finished, never RUNNING", async () => {
  // A job skipped at once has both events in flight within milliseconds; they have separate consumers.
  const runAt = new Date(Date.now() + 86_400_000).toISOString();
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    const r = await sys.graphql<{ triggerBackup: { id: string } }>(`mutation { triggerBackup(input: { type: FULL_DATABASE, runAt: "${runAt}" }) { id } }`, {}, admin);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    ids.push(r.data!.triggerBackup.id);
  }
  const bus = await EventBus.connect({ servers: sys.env.LIFEBOAT_NATS_URL, source: 'test', namespace: sys.env.LIFEBOAT_NATS_NAMESPACE, logger: { info() {}, warn() {}, error() {} } });
  try {
    await Promise.all(
      ids.flatMap((jobId) => {
        const at = new Date().toISOString();
        return [
          bus.publish('job.finished', { jobId, type: 'FULL_DATABASE', status: 'SKIPPED', backupIds: [], message: 'already running', finishedAt: at }),
          bus.publish('job.started', { jobId, type: 'FULL_DATABASE', instance: 'test', startedAt: at }),
        ];
      }),
    );
    // With both handled, a job left RUNNING stays RUNNING: waiting for all SKIPPED then times out.
    await eventually('every job SKIPPED', async () => {
      const jobs = await Promise.all(ids.map((id) => jobOf(sys, admin, id)));
      return jobs.every((j) => j.status === 'SKIPPED');
    }, 30_000, 250);
  } finally {
    await bus.close();
  }
});
