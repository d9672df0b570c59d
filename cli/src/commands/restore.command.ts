/**
 * `lifeboat restore`: restore a full backup into a new database (or, confirmed, in place of the
 * protected one) and follow it to its end. Following polls `restore(id)` as the source of truth;
 * the `restoreProgress` subscription only feeds the progress bar on a terminal.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LifeboatError, isErrorCode } from '@lifeboat/errors';
import { UsageError, parseOptions, type Command } from '../command';
import type { GatewayClient } from '../gateway-client';
import { formatBytes, printJson } from '../output';
import { ProgressBar } from '../progress-bar';
import { connect } from '../session';

const START = `mutation StartRestore($input: RestoreInput!) {
  startRestore(input: $input) { id status targetDatabase dryRun }
}`;

const RESTORE = `query Restore($id: ID!) {
  restore(id: $id) { id status errorMessage targetDatabase previousDatabase sourceLocation failovers plan bytes durationSeconds dryRun rowCheck }
}`;

const PROGRESS = `subscription RestoreProgress($restoreId: ID!) {
  restoreProgress(restoreId: $restoreId) { phase bytes totalBytes percent location message }
}`;

interface RestoreLogView {
  id: string;
  status: string;
  errorMessage: string | null;
  targetDatabase: string | null;
  previousDatabase: string | null;
  sourceLocation: string | null;
  failovers: string[];
  plan: string | null;
  bytes: number | null;
  durationSeconds: number | null;
  dryRun: boolean;
  rowCheck: Record<string, { expected: number; found: number }> | null;
}

interface LiveProgress {
  phase: string;
  bytes: number;
  percent: number | null;
  location: string | null;
  message: string | null;
}

const POLL_INTERVAL_MS = 1000;
const MAX_UNAVAILABLE_POLLS = 30;

async function follow(client: GatewayClient, id: string, bar: ProgressBar | undefined): Promise<RestoreLogView> {
  const stop = bar
    ? client.subscribe<{ restoreProgress: LiveProgress }>(
        PROGRESS,
        { restoreId: id },
        {
          next: ({ restoreProgress: p }) =>
            bar.update({ phase: p.phase, bytesIn: p.bytes, percent: p.percent, message: [p.location, p.message].filter(Boolean).join(': ') || null }),
          error: () => undefined,
        },
      )
    : undefined;
  let unavailable = 0;
  try {
    for (;;) {
      let log: RestoreLogView | null;
      try {
        ({ restore: log } = await client.request<{ restore: RestoreLogView | null }>(RESTORE, { id }));
        unavailable = 0;
      } catch (err) {
        if ((err as { code?: unknown }).code !== 'DEPENDENCY_UNAVAILABLE' || ++unavailable >= MAX_UNAVAILABLE_POLLS) throw err;
        await sleep(POLL_INTERVAL_MS);
        continue;
      }
      if (log === null) throw new LifeboatError('NOT_FOUND', `restore ${id} does not exist`);
      if (log.status === 'COMPLETED' || log.status === 'FAILED') return log;
      bar?.status(`restore ${id}: ${log.status}`);
      await sleep(POLL_INTERVAL_MS);
    }
  } finally {
    stop?.();
    bar?.done();
    await client.close();
  }
}

export const restore: Command = {
  name: 'restore',
  summary: 'Restore a full backup into a new database (or, confirmed, the protected one)',
  help: `Usage: lifeboat restore BACKUP_ID [--target-db NAME] [--confirm NAME] [--jobs N] [--dry-run] [--wait | --no-wait] [--json]

Restores a FULL_DATABASE backup from the healthiest copy (failing over between locations) with
pg_restore, then checks every table's row count against the backup's manifest. By default into a
new database named after the backup. Naming the protected database replaces it: that needs an
ADMIN and --confirm with its name; the old database is kept aside, and its name printed.

Options:
  --target-db NAME    the database to restore into
  --confirm NAME      required to replace the protected database: its name
  --jobs N            parallel COPY connections and pg_restore jobs (default: the service's, 4)
  --dry-run           check everything that can be checked without writing, and say what would be done
  --wait, --no-wait   follow the restore to its end (default on a terminal)
  --json              print the restore log as JSON`,

  async run(args, context) {
    const { values, positionals } = parseOptions(
      args,
      {
        options: {
          'target-db': { type: 'string' },
          confirm: { type: 'string' },
          jobs: { type: 'string' },
          'dry-run': { type: 'boolean' },
          wait: { type: 'boolean' },
          json: { type: 'boolean' },
        },
      },
      1,
    );
    const [backupId] = positionals;
    if (backupId === undefined) throw new UsageError('missing the backup ID');
    let jobs: number | undefined;
    if (values.jobs !== undefined) {
      jobs = Number(values.jobs);
      if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError('--jobs must be a positive integer');
    }
    const client = await connect(context);
    const input = { backupId, mode: 'FULL', targetDatabase: values['target-db'], confirm: values.confirm, jobs, dryRun: values['dry-run'] };
    const { startRestore: started } = await client.request<{ startRestore: { id: string; status: string; targetDatabase: string } }>(START, { input });
    if (!(values.wait ?? context.stdout.isTTY === true)) {
      if (values.json) printJson(context.stdout, started);
      else context.stdout.write(`Started restore ${started.id} into ${started.targetDatabase}: ${started.status}\n`);
      await client.close();
      return;
    }
    const ended = await follow(client, started.id, context.stderr.isTTY ? new ProgressBar(context.stderr) : undefined);
    if (values.json) printJson(context.stdout, ended);
    else {
      context.stdout.write(`Restore ${ended.id}: ${ended.status}${ended.durationSeconds !== null ? ` in ${ended.durationSeconds.toFixed(1)} s` : ''}\n`);
      if (ended.sourceLocation) context.stdout.write(`  read ${formatBytes(ended.bytes)} from ${ended.sourceLocation}\n`);
      for (const f of ended.failovers) context.stdout.write(`  left ${f}\n`);
      if (ended.plan) context.stdout.write(`  ${ended.plan}\n`);
      if (ended.rowCheck) context.stdout.write(`  row counts match the backup for ${Object.keys(ended.rowCheck).length} tables\n`);
      if (ended.previousDatabase) context.stdout.write(`  the replaced database is kept as ${ended.previousDatabase}: drop it when you no longer need it\n`);
    }
    if (ended.status === 'FAILED') {
      const [code, ...rest] = (ended.errorMessage ?? 'RESTORE_FAILED: no error recorded').split(': ');
      throw isErrorCode(code) ? new LifeboatError(code, rest.join(': ')) : new LifeboatError('RESTORE_FAILED', ended.errorMessage ?? 'no error recorded');
    }
  },
};
