/**
 * `npm run bench -- restore [--rounds N] [--small] [--rebuild] [--json] [--out FILE] [--env NAME=VALUE ...]`
 *
 * How fast Lifeboat restores a full backup into a new database, against pg_restore of a plain
 * dump, on the backup benchmark's large database (about 1.4 GiB, made once and kept):
 *   - Lifeboat: one full backup through the gateway of a whole system (startSystem) whose
 *     protected database is the benchmark's, made first and untimed (VERIFIED in all three
 *     locations); then each round startRestore(input: { backupId, mode: FULL, jobs: 4 }) into a
 *     new database; the time runs from the mutation to the restore log's completedAt: the first
 *     location's copy read through SHA-256, decryption and decompression and loaded as it
 *     arrives (createdb, the schema, 4 COPY at once), then the row-count check and the indexes
 *     and constraints (pg_restore --jobs 4). Also the log's own durationSeconds, and
 *     where the time went, from the restore's progress (restoreProgress);
 *   - pg_restore: `pg_dump -Fc -Z0` of the same database into a file, made once and untimed; the
 *     time is createdb + pg_restore -j 4 of that file.
 * Each round runs both, in an order that alternates from round to round, each on a quiet machine:
 * the database the previous restore made is dropped, a checkpoint and a sync flush what it left
 * dirty, so that neither contender pays for the other's writes. The bar: Lifeboat's median at
 * most 1.25 × pg_restore's.
 *
 * Exit status: 0 the bar met, 3 missed, 1 a run failed (the reason is printed), 2 bad usage.
 * The system is stopped, the restored databases, the dump file and the system's temporary
 * databases and directories removed however the run ends; the benchmark database is kept for the
 * next run (`--rebuild` makes it again).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ADMIN_URL, dropDatabase, urlFor, withAdmin } from '@lifeboat/testkit';
import { type BackupView, type RestoreLogView, type System, restoreLog, startRestore, triggerFull } from '../src/index';
import { type BenchOptions, emitResults, parseBenchArgs, runBenchmark } from './lib/cli';
import { type BenchDatabase, LARGE_RECIPE, SMALL_RECIPE, ensureBenchDatabase } from './lib/databases';
import { deferCleanup } from './lib/cleanup';
import { gb, gib, mb, num, pad, verdict } from './lib/format';
import { allVerified, fullBackupOf, untilJob } from './lib/jobs';
import { CORES, type ProcessCpu, QUIET, cpuSince, machineCpu, median, processCpu, runCommand, shellQuote, timeShell, waitForQuiet } from './lib/measure';
import { cpuBetween, cpuBreakdown, systemCpu, withSystem } from './lib/system';

const BARS = {
  /** Lifeboat's full restore / createdb + pg_restore -j 4 of a plain dump, at most. */
  lifeboatOverPgRestore: 1.25,
};

/** pg_restore's parallel jobs, for both contenders. */
const JOBS = 4;
const POLL_MS = 500;
const RESTORE_TIMEOUT_MS = 60 * 60_000;

type ContenderId = 'lifeboat' | 'pgrestore';
const CONTENDERS: ContenderId[] = ['lifeboat', 'pgrestore'];
const LABELS: Record<ContenderId, string> = {
  lifeboat: 'Lifeboat full restore (mutation to COMPLETED)',
  pgrestore: `createdb + pg_restore -j ${JOBS} (plain -Fc -Z0 dump)`,
};

const USAGE = `usage: npm run bench -- restore [--rounds N] [--small] [--rebuild] [--json] [--out FILE] [--env NAME=VALUE ...]
  --rounds N          rounds of the two restores (default 3)
  --small             restore the small benchmark database instead (a quick check of the benchmark itself)
  --rebuild           generate the benchmark database again
  --json              print the raw results as JSON on the last line
  --out FILE          write the raw results as JSON to FILE
  --env NAME=VALUE    an extra setting for every Lifeboat process (e.g. LIFEBOAT_LOG_LEVEL=info)`;

/** Seconds of a Lifeboat restore, from its restoreProgress messages and its log. */
interface Phases {
  /** The mutation to the restore service starting it. */
  queued: number;
  /** The copy's first bytes, createdb and the schema (pg_restore's pre-data); null when not seen. */
  fetching: number | null;
  /** The rows, loaded as the copy arrives (read, SHA-256, decryption, decompression, COPY). */
  loading: number | null;
  /** The row-count check, then indexes and constraints (pg_restore -j). */
  indexing: number | null;
}

interface LifeboatDetails {
  /** The restore log's durationSeconds: the service starting it to COMPLETED. */
  durationSeconds: number;
  phases: Phases;
  sourceLocation: string;
  /** CPU of the restore service (its main thread: reading, decrypting, decompressing) and of its children (pg_restore). */
  serviceCpu: ProcessCpu;
}

interface Measurement {
  contender: ContenderId;
  round: number;
  seconds: number;
  /** CPU seconds of the contender's own processes (the restore service with pg_restore, or createdb and pg_restore). */
  cpuSeconds: number;
  /** CPU seconds of each of the system's processes meanwhile (see systemCpu). */
  processCpuSeconds: Record<string, number>;
  /** CPU seconds the whole machine used meanwhile (PostgreSQL's backends among them). */
  machineCpuSeconds: number;
  /** Whether the machine was quiet when it started. */
  quiet: boolean;
  lifeboat?: LifeboatDetails;
}

/** What each contender measures itself; the loop adds the rest. */
type Run = Pick<Measurement, 'contender' | 'seconds' | 'cpuSeconds' | 'lifeboat'>;

async function untilRestoreEnds(sys: System, token: string, id: string): Promise<RestoreLogView> {
  const deadline = Date.now() + RESTORE_TIMEOUT_MS;
  for (;;) {
    const log = await restoreLog(sys, token, id);
    if (log.status === 'FAILED') throw new Error(`the restore FAILED: ${log.errorMessage}`);
    if (log.status === 'COMPLETED') return log;
    if (Date.now() > deadline) throw new Error(`the restore did not end within ${RESTORE_TIMEOUT_MS / 60_000} min (last seen: ${log.status})`);
    await sleep(POLL_MS);
  }
}

/**
 * Follows a restore's progress over the gateway's websocket and keeps the time each phase was
 * first reported (a phase ends when the next is reported: the service reports each change at once).
 */
function watchPhases(sys: System, token: string, restoreId: string): { firstSeen: Map<string, number>; stop(): Promise<void> } {
  const firstSeen = new Map<string, number>();
  const client = createClient({ url: sys.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
  const unsubscribe = client.subscribe<{ restoreProgress: { phase: string; at: string } }>(
    { query: `subscription { restoreProgress(restoreId: "${restoreId}") { phase at } }` },
    {
      next: (m) => {
        const p = m.data?.restoreProgress;
        if (p && !firstSeen.has(p.phase)) firstSeen.set(p.phase, Date.parse(p.at));
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
  return {
    firstSeen,
    async stop() {
      unsubscribe();
      await client.dispose();
    },
  };
}

function phasesOf(startedMs: number, log: RestoreLogView, firstSeen: Map<string, number>): Phases {
  const began = Date.parse(log.startedAt!);
  const ended = Date.parse(log.completedAt!);
  const loading = firstSeen.get('loading');
  const indexing = firstSeen.get('checking');
  return {
    queued: (began - startedMs) / 1000,
    fetching: loading !== undefined ? (loading - began) / 1000 : null,
    loading: loading !== undefined && indexing !== undefined ? (indexing - loading) / 1000 : null,
    indexing: indexing !== undefined ? (ended - indexing) / 1000 : null,
  };
}

/**
 * One Lifeboat restore into `target`, timed from just before the mutation to the log's
 * completedAt (the same machine's clock), whenever the poll sees it.
 */
async function lifeboatRestore(sys: System, token: string, backupId: string, target: string): Promise<Run> {
  const servicePid = sys.supervisor.pid('restore');
  if (servicePid === undefined) throw new Error('the restore service is not running');
  const cpuBefore = processCpu(servicePid);
  const startedMs = Date.now();
  const started = await startRestore(sys, token, { backupId, mode: 'FULL', targetDatabase: target, jobs: JOBS });
  if (!started.data) throw new Error(`startRestore failed: ${JSON.stringify(started.errors)}`);
  const watch = watchPhases(sys, token, started.data.startRestore.id);
  let log: RestoreLogView;
  try {
    log = await untilRestoreEnds(sys, token, started.data.startRestore.id);
  } finally {
    await watch.stop();
  }
  const cpu = cpuSince(cpuBefore, processCpu(servicePid));
  const wrong = Object.entries(log.rowCheck ?? {}).filter(([, c]) => c.expected !== c.found);
  if (!log.rowCheck || wrong.length > 0) throw new Error(`the restore COMPLETED with row counts that differ: ${JSON.stringify(wrong)}`);
  return {
    contender: 'lifeboat',
    seconds: (Date.parse(log.completedAt!) - startedMs) / 1000,
    cpuSeconds: cpu.process + cpu.children,
    lifeboat: { durationSeconds: log.durationSeconds!, phases: phasesOf(startedMs, log, watch.firstSeen), sourceLocation: log.sourceLocation!, serviceCpu: cpu },
  };
}

async function pgRestoreRun(dumpFile: string, target: string): Promise<Run> {
  const line = `createdb --maintenance-db=${shellQuote(ADMIN_URL)} ${shellQuote(target)} && pg_restore --jobs=${JOBS} --exit-on-error --no-password --dbname=${shellQuote(urlFor(target))} ${shellQuote(dumpFile)}`;
  const timed = await timeShell(line, LABELS.pgrestore);
  return { contender: 'pgrestore', seconds: timed.seconds, cpuSeconds: timed.cpuSeconds };
}

/**
 * Drops a restored database, then makes PostgreSQL write what is still dirty (a checkpoint) and
 * the kernel too (sync): the next restore starts from the same clean slate.
 */
async function settle(target: string): Promise<void> {
  await dropDatabase(target);
  await withAdmin((c) => c.query('checkpoint'));
  await runCommand('sync', [], 'sync');
}

/** The Lifeboat full backup every Lifeboat restore restores: made now, VERIFIED everywhere. */
async function lifeboatBackup(sys: System, token: string): Promise<BackupView> {
  const jobId = await triggerFull(sys, token);
  return untilJob(sys, token, jobId, 'the full backup VERIFIED everywhere', (job) => (allVerified(job) ? fullBackupOf(job) : undefined));
}

interface Measured {
  backup: { id: string; seconds: number; dumpBytes: number; artifactBytes: number };
  runs: Measurement[];
}

async function measure(db: BenchDatabase, dumpFile: string, targets: Record<ContenderId, string>, options: BenchOptions): Promise<Measured> {
  return withSystem(db.url, options.env, async (sys, token) => {
    await waitForQuiet(QUIET);
    const backup = await lifeboatBackup(sys, token);
    console.log(`Lifeboat full backup ${backup.id}: ${backup.durationSeconds!.toFixed(1)} s, dump ${gb(backup.originalSizeBytes!)}, artifact ${mb(backup.sizeBytes!)}, VERIFIED in all three locations`);
    const runs: Measurement[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      for (let i = 0; i < CONTENDERS.length; i++) {
        const contender = CONTENDERS[(i + round - 1) % CONTENDERS.length];
        await settle(targets[contender]);
        const quiet = await waitForQuiet(QUIET);
        const cpuBefore = systemCpu(sys);
        const machineBefore = machineCpu();
        const run = contender === 'lifeboat' ? await lifeboatRestore(sys, token, backup.id, targets.lifeboat) : await pgRestoreRun(dumpFile, targets.pgrestore);
        const machineCpuSeconds = machineCpu().busy - machineBefore.busy;
        runs.push({ ...run, processCpuSeconds: cpuBetween(cpuBefore, systemCpu(sys)), machineCpuSeconds, round, quiet });
        const own = run.lifeboat ? `, log ${run.lifeboat.durationSeconds.toFixed(2)} s` : '';
        console.log(`  round ${round}/${options.rounds}  ${pad(contender, 9)} ${num(run.seconds)} s${own}${quiet ? '' : '  [machine busy when it started]'}`);
        await settle(targets[contender]);
      }
    }
    return { backup: { id: backup.id, seconds: backup.durationSeconds!, dumpBytes: backup.originalSizeBytes!, artifactBytes: backup.sizeBytes! }, runs };
  });
}

interface Results {
  machine: { cores: number; pgRestore: string };
  settings: Record<string, string>;
  database: { name: string; scale: number; documents: number; sizeBytes: number };
  backup: Measured['backup'];
  plainDumpBytes: number;
  rounds: number;
  runs: Measurement[];
  medians: Record<ContenderId, number>;
  lifeboatLogSeconds: number;
  ratio: number;
  bars: { lifeboatOverPgRestore: boolean };
}

function summarize(options: BenchOptions, db: BenchDatabase, plainDumpBytes: number, measured: Measured): Results {
  const of = (c: ContenderId) => measured.runs.filter((r) => r.contender === c);
  const medians = Object.fromEntries(CONTENDERS.map((c) => [c, median(of(c).map((r) => r.seconds))])) as Record<ContenderId, number>;
  const ratio = medians.lifeboat / medians.pgrestore;
  return {
    machine: { cores: CORES, pgRestore: execFileSync('pg_restore', ['--version'], { encoding: 'utf8' }).trim() },
    settings: options.env,
    database: { name: db.recipe.name, scale: db.recipe.scale, documents: db.recipe.documents, sizeBytes: db.sizeBytes },
    backup: measured.backup,
    plainDumpBytes,
    rounds: options.rounds,
    runs: measured.runs,
    medians,
    lifeboatLogSeconds: median(of('lifeboat').map((r) => r.lifeboat!.durationSeconds)),
    ratio,
    bars: { lifeboatOverPgRestore: ratio <= BARS.lifeboatOverPgRestore },
  };
}

function report(results: Results): void {
  const { medians, runs } = results;
  const lifeboat = runs.filter((r) => r.contender === 'lifeboat').map((r) => r.lifeboat!);
  const busy = runs.filter((r) => !r.quiet).length;
  console.log(
    `\nfull restore of ${results.database.name} (${gib(results.database.sizeBytes)} on disk; Lifeboat backup: dump ${gb(results.backup.dumpBytes)}, artifact ${mb(results.backup.artifactBytes)}; plain dump ${gb(results.plainDumpBytes)}), ${results.rounds} rounds, ${results.machine.cores} cores, ${results.machine.pgRestore}`,
  );
  if (Object.keys(results.settings).length > 0) console.log(`Lifeboat settings: ${Object.entries(results.settings).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  console.log(`\n  ${pad('contender', 48)} median s   runs (s)                 CPU s  machine CPU s`);
  for (const c of CONTENDERS) {
    const mine = runs.filter((r) => r.contender === c);
    const list = mine.map((r) => r.seconds.toFixed(2)).join(' ');
    console.log(`  ${pad(LABELS[c], 48)} ${num(medians[c])}   ${pad(list, 22)} ${num(median(mine.map((r) => r.cpuSeconds)), 1)}  ${num(median(mine.map((r) => r.machineCpuSeconds)), 1)}`);
  }
  const phase = (pick: (p: Phases) => number | null) => {
    const seen = lifeboat.map((l) => pick(l.phases)).filter((s): s is number => s !== null);
    return seen.length ? median(seen).toFixed(2) : '?';
  };
  console.log(`\n  Lifeboat restore log durationSeconds (median): ${results.lifeboatLogSeconds.toFixed(2)} s, from ${[...new Set(lifeboat.map((l) => l.sourceLocation))].join(', ')}`);
  console.log(
    `  Lifeboat phases (median s): queued ${phase((p) => p.queued)}, fetching (createdb, schema) ${phase((p) => p.fetching)}, loading (read, SHA-256, decrypt, gunzip, COPY) ${phase((p) => p.loading)}, row-count check and indexing (pg_restore -j ${JOBS}) ${phase((p) => p.indexing)}`,
  );
  const cpu = (pick: (p: ProcessCpu) => number) => median(lifeboat.map((l) => pick(l.serviceCpu))).toFixed(1);
  console.log(`  Lifeboat CPU per restore (median s): restore service main thread ${cpu((p) => p.mainThread)}, its other threads ${cpu((p) => p.process - p.mainThread)}, pg_restore ${cpu((p) => p.children)}`);
  for (const c of CONTENDERS) console.log(`  CPU during the ${c === 'lifeboat' ? 'Lifeboat restore' : 'pg_restore'} (median s): ${cpuBreakdown(runs.filter((r) => r.contender === c))}`);
  if (busy > 0) console.log(`  note: ${busy} of ${runs.length} measurements started while the machine was busy with something else`);
  console.log('\nbars');
  console.log(`  Lifeboat / pg_restore -j ${JOBS}   ${num(results.ratio)}  must be <= ${BARS.lifeboatOverPgRestore}   ${verdict(results.bars.lifeboatOverPgRestore)}`);
}

async function main(): Promise<number> {
  const { options, extra } = parseBenchArgs(process.argv.slice(2), USAGE, { small: { type: 'boolean', default: false } });
  const recipe = extra.small ? SMALL_RECIPE : LARGE_RECIPE;
  console.log('benchmark database (made once, kept between runs)');
  const db = await ensureBenchDatabase(recipe, { rebuild: options.rebuild, log: (line) => console.log(line) });
  console.log(`  ${pad(db.recipe.name, 18)} ${gib(db.sizeBytes)} (${gb(db.sizeBytes)}) on disk: pgbench scale ${db.recipe.scale} + ${db.recipe.documents.toLocaleString('en')} documents${db.generated ? ' (generated now)' : ' (reused)'}`);

  // Named here rather than by the restore service, so that they are known to clean up.
  const targets: Record<ContenderId, string> = { lifeboat: `${db.recipe.name}_restored_lifeboat`, pgrestore: `${db.recipe.name}_restored_pg` };
  deferCleanup(() => Promise.all(Object.values(targets).map(dropDatabase)));
  const workDir = await mkdtemp(join(tmpdir(), 'lifeboat-bench-restore-'));
  deferCleanup(() => rm(workDir, { recursive: true, force: true }));
  const dumpFile = join(workDir, `${db.recipe.name}.dump`);
  console.log(`plain dump for pg_restore (untimed): pg_dump -Fc -Z0 -f ${dumpFile}`);
  await runCommand('pg_dump', ['--format=custom', '--compress=0', '--no-password', `--file=${dumpFile}`, `--dbname=${db.url}`], 'pg_dump');
  const plainDumpBytes = (await stat(dumpFile)).size;

  const measured = await measure(db, dumpFile, targets, options);
  const results = summarize(options, db, plainDumpBytes, measured);
  report(results);
  emitResults(options, results);
  return Object.values(results.bars).every(Boolean) ? 0 : 3;
}

runBenchmark(main);
