/**
 * Following backup jobs through the gateway: polled with every backup and copy (untilJob), or,
 * while a job with many backups is being timed, by its own record alone (untilJobEnds), so that
 * the polling itself costs the system next to nothing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type BackupView, type System, jobOf } from '../../src/index';

const JOB_ENDED = ['SUCCEEDED', 'PARTIAL', 'FAILED', 'SKIPPED', 'CANCELLED'];
const JOB_FAILED = ['PARTIAL', 'FAILED', 'SKIPPED', 'CANCELLED'];

const POLL_MS = 500;
const JOB_TIMEOUT_MS = 30 * 60_000;


export type JobView = Awaited<ReturnType<typeof jobOf>>;

export const fullBackupOf = (job: JobView) => job.backups.find((b) => b.type === 'FULL_DATABASE');

/** The job has ended and every backup it made is VERIFIED in all locations. */
export const allVerified = (job: JobView) => JOB_ENDED.includes(job.status) && job.backups.every((b) => b.status === 'VERIFIED');

/**
 * Polls a job, with its backups, until `done` returns its value; rejects when a backup of the job
 * FAILED or the job ended otherwise than SUCCEEDED.
 */
export async function untilJob<T>(
  sys: System,
  token: string,
  jobId: string,
  what: string,
  done: (job: JobView) => T | undefined,
  options: { pollMs?: number; timeoutMs?: number } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? JOB_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const job = await jobOf(sys, token, jobId);
    const failed = job.backups.find((b) => b.status === 'FAILED');
    if (failed) throw new Error(`the ${failed.type} backup${failed.tenantId ? ` of ${failed.tenantId}` : ''} FAILED: ${failed.error}`);
    if (JOB_FAILED.includes(job.status)) throw new Error(`the backup job ended ${job.status}: ${job.message}`);
    const value = done(job);
    if (value !== undefined) return value;
    last = `job ${job.status}; ${describeBackups(job.backups) || 'no backup yet'}`;
    await sleep(options.pollMs ?? POLL_MS);
  }
  throw new Error(`${what}: not after ${timeoutMs / 60_000} min (last seen: ${last})`);
}

/** One line per kind of state: every backup when they are few, counts when they are many. */
function describeBackups(backups: BackupView[]): string {
  const copies = (b: BackupView) => b.copies.map((c) => `${c.location} ${c.status}${c.lastError ? ` (${c.lastError})` : ''}`).join(', ');
  if (backups.length <= 3) return backups.map((b) => `${b.type} ${b.status} (copies: ${copies(b)})`).join('; ');
  const counts = new Map<string, number>();
  for (const b of backups) for (const key of [b.status, ...b.copies.map((c) => `${c.location} ${c.status}`)]) counts.set(key, (counts.get(key) ?? 0) + 1);
  return `${backups.length} backups: ${[...counts].map(([key, n]) => `${n} ${key}`).join(', ')}`;
}

/** A job's own record, without its backups. */
export interface JobRecord {
  id: string;
  status: string;
  message: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationSeconds: number | null;
}

async function jobRecord(sys: System, token: string, jobId: string): Promise<JobRecord> {
  const r = await sys.graphql<{ backupJob: JobRecord | null }>(
    'query ($id: ID!) { backupJob(id: $id) { id status message createdAt startedAt finishedAt durationSeconds } }',
    { id: jobId },
    token,
  );
  if (!r.data?.backupJob) throw new Error(`backupJob failed: ${JSON.stringify(r.errors)}`);
  return r.data.backupJob;
}

/** Polls the job's own record until it has ended; rejects unless it SUCCEEDED. */
export async function untilJobEnds(sys: System, token: string, jobId: string, timeoutMs = JOB_TIMEOUT_MS): Promise<JobRecord> {
  const deadline = Date.now() + timeoutMs;
  let job = await jobRecord(sys, token, jobId);
  while (!JOB_ENDED.includes(job.status)) {
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not end within ${timeoutMs / 60_000} min (last seen: ${job.status})`);
    await sleep(POLL_MS);
    job = await jobRecord(sys, token, jobId);
  }
  if (job.status !== 'SUCCEEDED') throw new Error(`the backup job ended ${job.status}: ${job.message}`);
  return job;
}
