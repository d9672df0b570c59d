/**
 * `lifeboat backup full` and `lifeboat backup verify`: start a backup and follow it to its end,
 * and re-check every stored copy of one. Following polls `backupJob` as the source of truth;
 * the `backupProgress` subscription only feeds the progress bar, and may drop messages or fail
 * without changing the outcome.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LifeboatError } from '@lifeboat/errors';
import { UsageError, parseOptions, type Command } from '../command';
import type { GatewayClient } from '../gateway-client';
import { formatBytes, formatCopies, formatTime, printJson, renderTable } from '../output';
import { ProgressBar, type Progress } from '../progress-bar';
import { connect } from '../session';

const TRIGGER = `mutation TriggerFullBackup {
  triggerBackup(input: { type: FULL_DATABASE }) { id type status backups { id } }
}`;

const JOB = `query BackupJob($id: ID!) {
  backupJob(id: $id) { id status message backups { id status sizeBytes checksum error copies { location status } } }
}`;

const PROGRESS = `subscription BackupProgress($jobId: ID!) {
  backupProgress(jobId: $jobId) { backupId jobId phase bytesIn bytesOut percent message }
}`;

const VERIFY = `mutation VerifyBackup($id: ID!) {
  verifyBackup(id: $id) { id status verifiedAt copies { location status checksum sizeBytes verifiedAt lastError } }
}`;

interface TriggeredJob {
  id: string;
  type: string;
  status: string;
  backups: { id: string }[];
}

interface FollowedJob {
  id: string;
  status: string;
  message: string | null;
  backups: {
    id: string;
    status: string;
    sizeBytes: number | null;
    checksum: string | null;
    error: string | null;
    copies: { location: string; status: string }[];
  }[];
}

interface VerifiedBackup {
  id: string;
  status: string;
  verifiedAt: string | null;
  copies: {
    location: string;
    status: string;
    checksum: string | null;
    sizeBytes: number | null;
    verifiedAt: string | null;
    lastError: string | null;
  }[];
}

const POLL_INTERVAL_MS = 2000;
/** Polls in a row that may fail as unavailable (the gateway or a service restarting) before following gives up. */
const MAX_UNAVAILABLE_POLLS = 15;
const FINISHED_BACKUP = new Set(['COMPLETED', 'VERIFIED', 'FAILED', 'EXPIRED']);
/** The scheduler's job statuses after which nothing more happens. */
const FINISHED_JOB = new Set(['SUCCEEDED', 'PARTIAL', 'FAILED', 'SKIPPED', 'CANCELLED']);
/** Finished job statuses that mean the backup was not made. */
const UNSUCCESSFUL_JOB = new Set(['PARTIAL', 'FAILED', 'SKIPPED', 'CANCELLED']);

/**
 * Once every backup of a job has finished, how long its own status (the scheduler's record, kept
 * from the executor's `job.finished`, which comes a moment later) is waited for before the job is
 * reported as it stands: the scheduler may be down.
 */
const JOB_STATUS_GRACE_MS = 10_000;

const backupsFinished = (job: FollowedJob) => job.backups.length > 0 && job.backups.every((b) => FINISHED_BACKUP.has(b.status));

/** Polls the job until it finishes; `bar`, when given, also shows the live progress messages. */
async function follow(client: GatewayClient, jobId: string, bar: ProgressBar | undefined): Promise<FollowedJob> {
  let liveNote = '';
  const stop = bar
    ? client.subscribe<{ backupProgress: Progress }>(
        PROGRESS,
        { jobId },
        {
          next: (data) => bar.update(data.backupProgress),
          error: (err) => {
            liveNote = `  (no live progress: ${err.code})`;
          },
        },
      )
    : undefined;
  let unavailable = 0;
  let backupsFinishedAt: number | undefined;
  try {
    for (;;) {
      let job: FollowedJob | null;
      try {
        ({ backupJob: job } = await client.request<{ backupJob: FollowedJob | null }>(JOB, { id: jobId }));
        unavailable = 0;
      } catch (err) {
        if ((err as { code?: unknown }).code !== 'DEPENDENCY_UNAVAILABLE' || ++unavailable >= MAX_UNAVAILABLE_POLLS) throw err;
        bar?.status(`backup job ${jobId}: unavailable for now, still polling${liveNote}`);
        await sleep(POLL_INTERVAL_MS);
        continue;
      }
      if (job === null) throw new LifeboatError('NOT_FOUND', `backup job ${jobId} does not exist`);
      if (FINISHED_JOB.has(job.status)) return job;
      if (backupsFinished(job)) {
        backupsFinishedAt ??= Date.now();
        if (Date.now() - backupsFinishedAt >= JOB_STATUS_GRACE_MS) return job;
      }
      bar?.status(`backup job ${jobId}: ${job.status}${liveNote}`);
      await sleep(POLL_INTERVAL_MS);
    }
  } finally {
    stop?.();
    bar?.done();
    await client.close();
  }
}

/** BACKUP_FAILED, naming each failed backup and its error, or the job's own outcome. */
function failureOf(job: FollowedJob): LifeboatError | undefined {
  const failed = job.backups.filter((b) => b.status === 'FAILED');
  if (failed.length > 0) {
    return new LifeboatError('BACKUP_FAILED', failed.map((b) => `backup ${b.id} failed: ${b.error ?? 'no error recorded'}`).join('; '));
  }
  if (UNSUCCESSFUL_JOB.has(job.status)) {
    return new LifeboatError('BACKUP_FAILED', `backup job ${job.id} ended ${job.status}${job.message ? `: ${job.message}` : ''}`);
  }
  return undefined;
}

export const backupFull: Command = {
  name: 'backup full',
  summary: 'Start a full database backup and follow it to its end',
  help: `Usage: lifeboat backup full [--wait | --no-wait] [--json]

Starts a FULL_DATABASE backup. With --wait (the default when stdout is a terminal), follows it
until it is COMPLETED, VERIFIED or FAILED, with a progress bar on a terminal; exits 1 if it failed.

Options:
  --wait, --no-wait   follow the backup, or return once it is started
  --json              print the job as JSON (when following: as it ended)`,

  async run(args, context) {
    const { values } = parseOptions(args, { options: { wait: { type: 'boolean' }, json: { type: 'boolean' } } });
    const client = await connect(context);
    const { triggerBackup: job } = await client.request<{ triggerBackup: TriggeredJob }>(TRIGGER);
    if (!(values.wait ?? context.stdout.isTTY === true)) {
      if (values.json) printJson(context.stdout, job);
      else context.stdout.write(`Started backup job ${job.id} (${job.type}): ${job.status}\n${job.backups.map((b) => `  backup ${b.id}\n`).join('')}`);
      return;
    }
    const ended = await follow(client, job.id, context.stderr.isTTY ? new ProgressBar(context.stderr) : undefined);
    if (values.json) printJson(context.stdout, ended);
    else {
      context.stdout.write(`Backup job ${ended.id}: ${ended.status}\n`);
      for (const b of ended.backups) {
        context.stdout.write(
          `  backup ${b.id}  ${b.status}  ${formatBytes(b.sizeBytes)}  sha256 ${b.checksum ?? '-'}  copies ${formatCopies(b.copies)}\n`,
        );
      }
    }
    const failure = failureOf(ended);
    if (failure) throw failure;
  },
};

export const backupVerify: Command = {
  name: 'backup verify',
  summary: 'Re-read every copy of a backup and compare its SHA-256',
  help: `Usage: lifeboat backup verify ID [--json]

Re-reads the backup's copy in every storage location and compares its SHA-256 with the recorded
one. Prints each copy's result; exits 1 if any copy is CORRUPT or MISSING.

Options:
  --json   print the backup and its copies as JSON`,

  async run(args, context) {
    const { values, positionals } = parseOptions(args, { options: { json: { type: 'boolean' } } }, 1);
    const [id] = positionals;
    if (id === undefined) throw new UsageError('missing the backup ID');
    const client = await connect(context);
    const { verifyBackup: backup } = await client.request<{ verifyBackup: VerifiedBackup }>(VERIFY, { id });
    if (values.json) printJson(context.stdout, backup);
    else {
      context.stdout.write(`Backup ${backup.id}: ${backup.status}, verified ${formatTime(backup.verifiedAt)}\n`);
      context.stdout.write(
        renderTable(
          [
            { header: 'LOCATION', value: (c) => c.location },
            { header: 'STATUS', value: (c) => c.status },
            { header: 'SIZE', value: (c) => formatBytes(c.sizeBytes), align: 'right' },
            { header: 'SHA-256', value: (c) => (c.checksum ? `${c.checksum.slice(0, 16)}…` : '-') },
            { header: 'VERIFIED', value: (c) => formatTime(c.verifiedAt) },
            { header: 'ERROR', value: (c) => c.lastError ?? '' },
          ],
          backup.copies,
        ),
      );
    }
    const bad = backup.copies.filter((c) => c.status === 'CORRUPT' || c.status === 'MISSING');
    if (bad.length > 0) {
      throw new LifeboatError(
        bad.some((c) => c.status === 'CORRUPT') ? 'CHECKSUM_MISMATCH' : 'OBJECT_NOT_FOUND',
        `backup ${backup.id}: ${bad.map((c) => `${c.location} is ${c.status}`).join(', ')}`,
        { hint: 'restore from a copy that verified; the ERROR column says what each failing location reported' },
      );
    }
  },
};
