/**
 * `npm run bench -- tenants [--rounds N] [--tenants N] [--rebuild] [--json] [--out FILE] [--env NAME=VALUE ...]`
 *
 * What backing up tenants one by one costs against one full backup of the same database: the
 * demo application's database with 1,000 tenants at scale 1 (made once and kept), protected by a
 * whole system (startSystem), both jobs triggered through the gateway:
 *   - tenants: one TENANT_BACKUP job naming every tenant of the database (tenantIds, all 1,000:
 *     allTenants would leave out the inactive seventh), each exported under row-level security
 *     from one snapshot into its own tenant archive, compressed, encrypted and stored, with
 *     LIFEBOAT_TENANT_BACKUP_CONCURRENCY tenants at a time (the storage-replicator copying the
 *     finished ones to R2 and B2 meanwhile, as it does in production);
 *   - full: one FULL_DATABASE job.
 * Each is timed from the mutation to its job's finishedAt (SUCCEEDED; the same machine's clock);
 * also the job's own durationSeconds (the executor starting it to SUCCEEDED), the executor's CPU
 * and its peak resident memory during the job (VmHWM, reset just before). Each round runs both,
 * in an order that alternates from round to round, each on a quiet machine, after every backup
 * of the previous job was VERIFIED in all three locations. The bar: the tenant job's median at
 * most 3 × the full backup's. Then, as many times, the tenant job's data path alone
 * (lib/data-path.ts: every tenant exported, compressed, encrypted, stored in the three locations
 * and read back, without the records, events and services between): the lowest ratio any tenant
 * job can reach on the machine, and how much of the job's time is Lifeboat's bookkeeping.
 *
 * Exit status: 0 the bar met, 3 missed, 1 a run failed (the reason is printed), 2 bad usage.
 * The system is stopped and its temporary databases and directories removed however the run
 * ends; the benchmark database is kept for the next run (`--rebuild` makes it again).
 */
import { type System, tenantIdsOf, triggerFull, triggerJob } from '../src/index';
import { type BenchOptions, emitResults, parseBenchArgs, runBenchmark, usage } from './lib/cli';
import { type BenchDatabase, type DemoRecipe, ensureDemoDatabase } from './lib/databases';
import { gb, gib, mb, mib, num, pad, verdict } from './lib/format';
import { type JobView, allVerified, untilJob, untilJobEnds } from './lib/jobs';
import { CORES, QUIET, currentRss, machineCpu, median, peakRss, resetPeakRss, waitForQuiet } from './lib/measure';
import { type DataPathRun, measureDataPath } from './lib/data-path';
import { cpuBetween, cpuBreakdown, systemCpu, withSystem } from './lib/system';

const BARS = {
  /** The tenant job / the full backup, at most. */
  tenantsOverFull: 3,
};

const DEFAULT_TENANTS = 1000;
const SCALE = 1;
/** Once the job has ended, its backups (a thousand of them, with their copies) are polled this often. */
const VERIFIED_POLL_MS = 2000;

type ContenderId = 'full' | 'tenants';
const CONTENDERS: ContenderId[] = ['full', 'tenants'];

const USAGE = `usage: npm run bench -- tenants [--rounds N] [--tenants N] [--rebuild] [--json] [--out FILE] [--env NAME=VALUE ...]
  --rounds N          rounds of the two jobs (default 3)
  --tenants N         tenants in the demo database, all backed up (default ${DEFAULT_TENANTS}; another number is another database)
  --rebuild           generate the benchmark database again
  --json              print the raw results as JSON on the last line
  --out FILE          write the raw results as JSON to FILE
  --env NAME=VALUE    an extra setting for every Lifeboat process (e.g. LIFEBOAT_TENANT_BACKUP_CONCURRENCY=8)`;

interface Measurement {
  contender: ContenderId;
  round: number;
  /** The mutation to the job's finishedAt. */
  seconds: number;
  /** The job's own durationSeconds: the executor starting it to its end. */
  jobSeconds: number;
  /** The mutation to the last of its backups VERIFIED in all three locations. */
  verifiedSeconds: number;
  backups: number;
  /** What went into the backups (the dump, or the tenant archives) and what was stored. */
  originalBytes: number;
  artifactBytes: number;
  /** CPU seconds of the executor (all its threads) and of its children (pg_dump) during the job. */
  executorCpuSeconds: number;
  /** CPU seconds of each of the system's processes during the job (see systemCpu). */
  processCpuSeconds: Record<string, number>;
  /** CPU seconds the whole machine used during the job (PostgreSQL among them). */
  machineCpuSeconds: number;
  /** The executor's peak resident memory during the job, and its resident memory when the job started. */
  peakRssBytes: number;
  rssBeforeBytes: number;
  /** Whether the machine was quiet when it started. */
  quiet: boolean;
}

/** Runs one job of `contender`, timed from the mutation to its record's finishedAt, then waits until every backup it made is VERIFIED everywhere. */
async function runJob(sys: System, token: string, executorPid: number, contender: ContenderId, tenantIds: string[]): Promise<Omit<Measurement, 'round' | 'quiet'>> {
  resetPeakRss(executorPid);
  const rssBeforeBytes = currentRss(executorPid);
  const cpuBefore = systemCpu(sys);
  const machineBefore = machineCpu();
  const startedMs = Date.now();
  const jobId = contender === 'full' ? await triggerFull(sys, token) : await triggerJob(sys, token, 'TENANT_BACKUP', tenantIds);
  const ended = await untilJobEnds(sys, token, jobId);
  const peakRssBytes = peakRss(executorPid);
  const cpu = cpuBetween(cpuBefore, systemCpu(sys));
  const machineCpuSeconds = machineCpu().busy - machineBefore.busy;
  const job = await untilJob(sys, token, jobId, 'every backup of the job VERIFIED in all three locations', (j) => (allVerified(j) ? j : undefined), { pollMs: VERIFIED_POLL_MS });
  checkCoverage(job, contender, tenantIds);
  const sum = (pick: (b: JobView['backups'][number]) => number | null) => job.backups.reduce((total, b) => total + (pick(b) ?? 0), 0);
  return {
    contender,
    seconds: (Date.parse(ended.finishedAt!) - startedMs) / 1000,
    jobSeconds: ended.durationSeconds!,
    verifiedSeconds: (Math.max(...job.backups.map((b) => Date.parse(b.verifiedAt!))) - startedMs) / 1000,
    backups: job.backups.length,
    originalBytes: sum((b) => b.originalSizeBytes),
    artifactBytes: sum((b) => b.sizeBytes),
    executorCpuSeconds: cpu['backup-executor'],
    processCpuSeconds: cpu,
    machineCpuSeconds,
    peakRssBytes,
    rssBeforeBytes,
  };
}

/** The job made what it was asked for: one full backup, or one backup of each tenant. */
function checkCoverage(job: JobView, contender: ContenderId, tenantIds: string[]): void {
  if (contender === 'full') {
    if (!job.backups.some((b) => b.type === 'FULL_DATABASE')) throw new Error(`the full backup job ${job.id} made no full backup`);
    return;
  }
  const backedUp = new Set(job.backups.map((b) => b.tenantId));
  const missing = tenantIds.filter((t) => !backedUp.has(t));
  if (missing.length > 0 || job.backups.length !== tenantIds.length) {
    throw new Error(`the tenant job ${job.id} made ${job.backups.length} backups for ${tenantIds.length} tenants; missing: ${missing.slice(0, 10).join(', ') || 'none'}`);
  }
}

async function measure(db: BenchDatabase<DemoRecipe>, tenantIds: string[], options: BenchOptions): Promise<{ runs: Measurement[]; dataPath: DataPathRun[] }> {
  return withSystem(db.url, options.env, async (sys, token, executorPid) => {
    console.log('warm-up: one full backup, untimed, so that both jobs find the database in the page cache');
    await runJob(sys, token, executorPid, 'full', tenantIds);
    const runs: Measurement[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      for (let i = 0; i < CONTENDERS.length; i++) {
        const contender = CONTENDERS[(i + round - 1) % CONTENDERS.length];
        const quiet = await waitForQuiet(QUIET);
        const run = await runJob(sys, token, executorPid, contender, tenantIds);
        runs.push({ ...run, round, quiet });
        console.log(
          `  round ${round}/${options.rounds}  ${pad(contender, 8)} ${num(run.seconds)} s (job ${run.jobSeconds.toFixed(2)} s, ${run.backups} backups, VERIFIED everywhere after ${run.verifiedSeconds.toFixed(1)} s, executor peak RSS ${mib(run.peakRssBytes)} from ${mib(run.rssBeforeBytes)})${quiet ? '' : '  [machine busy when it started]'}`,
        );
      }
    }
    // The data path alone, as often as the jobs ran, on a quiet machine each time.
    const dataPath: DataPathRun[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      await waitForQuiet(QUIET);
      const run = await measureDataPath(sys.env, tenantIds);
      dataPath.push(run);
      console.log(`  round ${round}/${options.rounds}  data path alone ${num(run.seconds)} s (${run.tenants} tenants, ${mb(run.artifactBytes)} stored, ${run.machineCpuSeconds.toFixed(1)} s of machine CPU: ${run.pathCpuSeconds.toFixed(1)} in the data path's processes, ${run.s3ServersCpuSeconds.toFixed(1)} in the S3 servers)`);
    }
    return { runs, dataPath };
  });
}

interface Results {
  machine: { cores: number };
  settings: Record<string, string>;
  database: { name: string; tenants: number; scale: number; sizeBytes: number };
  rounds: number;
  runs: Measurement[];
  medians: Record<ContenderId, { seconds: number; jobSeconds: number; verifiedSeconds: number; executorCpuSeconds: number; machineCpuSeconds: number }>;
  peakRssBytes: Record<ContenderId, number>;
  ratio: number;
  /** The data path alone (lib/data-path.ts): its runs, medians, and its median over the full backup's. */
  dataPath: { runs: DataPathRun[]; seconds: number; machineCpuSeconds: number; ratio: number };
  bars: { tenantsOverFull: boolean };
}

function summarize(options: BenchOptions, db: BenchDatabase<DemoRecipe>, runs: Measurement[], dataPath: DataPathRun[]): Results {
  const of = (c: ContenderId) => runs.filter((r) => r.contender === c);
  const medianOf = (c: ContenderId) => {
    const mine = of(c);
    const m = (pick: (r: Measurement) => number) => median(mine.map(pick));
    return { seconds: m((r) => r.seconds), jobSeconds: m((r) => r.jobSeconds), verifiedSeconds: m((r) => r.verifiedSeconds), executorCpuSeconds: m((r) => r.executorCpuSeconds), machineCpuSeconds: m((r) => r.machineCpuSeconds) };
  };
  const medians = { full: medianOf('full'), tenants: medianOf('tenants') };
  const ratio = medians.tenants.seconds / medians.full.seconds;
  const dataPathSeconds = median(dataPath.map((r) => r.seconds));
  return {
    machine: { cores: CORES },
    settings: options.env,
    database: { name: db.recipe.name, tenants: db.recipe.tenants, scale: db.recipe.scale, sizeBytes: db.sizeBytes },
    rounds: options.rounds,
    runs,
    medians,
    peakRssBytes: { full: Math.max(...of('full').map((r) => r.peakRssBytes)), tenants: Math.max(...of('tenants').map((r) => r.peakRssBytes)) },
    ratio,
    dataPath: {
      runs: dataPath,
      seconds: dataPathSeconds,
      machineCpuSeconds: median(dataPath.map((r) => r.machineCpuSeconds)),
      ratio: dataPathSeconds / medians.full.seconds,
    },
    bars: { tenantsOverFull: ratio <= BARS.tenantsOverFull },
  };
}

function report(results: Results): void {
  const { medians, runs, database } = results;
  const tenants = database.tenants.toLocaleString('en');
  const labels: Record<ContenderId, string> = { full: 'full backup (FULL_DATABASE)', tenants: `${tenants} tenants (TENANT_BACKUP)` };
  const busy = runs.filter((r) => !r.quiet).length;
  const last = (c: ContenderId) => runs.filter((r) => r.contender === c).at(-1)!;
  console.log(`\nbackups of ${database.name} (${gib(database.sizeBytes)} on disk; the demo application, ${tenants} tenants at scale ${database.scale}), ${results.rounds} rounds, ${results.machine.cores} cores`);
  if (Object.keys(results.settings).length > 0) console.log(`Lifeboat settings: ${Object.entries(results.settings).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  console.log(`\n  ${pad('job', 32)} median s   runs (s)                 job's own s  executor CPU s  machine CPU s  executor peak RSS`);
  for (const c of CONTENDERS) {
    const mine = runs.filter((r) => r.contender === c);
    const list = mine.map((r) => r.seconds.toFixed(2)).join(' ');
    console.log(
      `  ${pad(labels[c], 32)} ${num(medians[c].seconds)}   ${pad(list, 22)} ${num(medians[c].jobSeconds)}      ${num(medians[c].executorCpuSeconds, 1)}         ${num(medians[c].machineCpuSeconds, 1)}  ${mib(results.peakRssBytes[c]).padStart(9)}`,
    );
  }
  const t = last('tenants');
  const f = last('full');
  console.log(`\n  full backup: dump ${gb(f.originalBytes)} into ${mb(f.artifactBytes)}`);
  console.log(
    `  tenant job: ${t.backups} backups, archives ${gb(t.originalBytes)} into ${mb(t.artifactBytes)}; per tenant ${((medians.tenants.seconds / t.backups) * 1000).toFixed(0)} ms of wall clock, ${((medians.tenants.executorCpuSeconds / t.backups) * 1000).toFixed(0)} ms of executor CPU`,
  );
  for (const c of CONTENDERS) console.log(`  CPU during the ${c === 'full' ? 'full backup' : 'tenant job'} (median s): ${cpuBreakdown(runs.filter((r) => r.contender === c))}`);
  console.log(`  time until every backup VERIFIED in all three locations (median): full ${medians.full.verifiedSeconds.toFixed(1)} s, tenants ${medians.tenants.verifiedSeconds.toFixed(1)} s`);
  // Both jobs of a round run minutes apart: their ratio is the least affected by a machine whose speed drifts.
  const perRound = Array.from({ length: results.rounds }, (_, i) => {
    const of = (c: ContenderId) => runs.find((r) => r.round === i + 1 && r.contender === c)!.seconds;
    return of('tenants') / of('full');
  });
  console.log(`  tenant job / full backup, round by round: ${perRound.map((r) => r.toFixed(2)).join(' ')}`);
  const before = (c: ContenderId) => mib(median(runs.filter((r) => r.contender === c).map((r) => r.rssBeforeBytes)));
  console.log(
    `  executor peak RSS (VmHWM, reset as each job starts; highest of the rounds): tenant job ${mib(results.peakRssBytes.tenants)} (${mb(results.peakRssBytes.tenants)}), full backup ${mib(results.peakRssBytes.full)}; resident as the job started (median): ${before('tenants')} and ${before('full')}`,
  );
  const { dataPath } = results;
  console.log(
    `  the data path alone (export under RLS, gzip, encryption, SHA-256, each tenant's three copies written and read back; no record, event or service between): median ${dataPath.seconds.toFixed(2)} s, ${dataPath.machineCpuSeconds.toFixed(1)} s of machine CPU, ${dataPath.ratio.toFixed(2)} × the full backup; the tenant job spends ${(medians.tenants.seconds - dataPath.seconds).toFixed(1)} s more`,
  );
  if (busy > 0) console.log(`  note: ${busy} of ${runs.length} measurements started while the machine was busy with something else`);
  console.log('\nbars');
  console.log(`  ${tenants} tenants / full backup   ${num(results.ratio)}  must be <= ${BARS.tenantsOverFull}   ${verdict(results.bars.tenantsOverFull)}`);
  console.log(`  (data path alone / full backup ${num(dataPath.ratio)}: no tenant job can do better on this machine)`);
}

async function main(): Promise<number> {
  const { options, extra } = parseBenchArgs(process.argv.slice(2), USAGE, { tenants: { type: 'string', default: String(DEFAULT_TENANTS) } });
  const count = Number(extra.tenants);
  if (!Number.isInteger(count) || count < 1) usage(USAGE, `--tenants must be a positive integer, got ${String(extra.tenants)}`);
  const recipe: DemoRecipe = { name: `lifeboat_bench_tenants_${count}`, tenants: count, scale: SCALE };
  console.log('benchmark database (made once, kept between runs)');
  const db = await ensureDemoDatabase(recipe, { rebuild: options.rebuild, log: (line) => console.log(line) });
  const tenantIds = await tenantIdsOf(db.url);
  console.log(`  ${pad(db.recipe.name, 28)} ${gib(db.sizeBytes)} (${gb(db.sizeBytes)}) on disk: ${tenantIds.length.toLocaleString('en')} tenants at scale ${db.recipe.scale}${db.generated ? ' (generated now)' : ' (reused)'}`);
  if (tenantIds.length !== count) throw new Error(`${db.recipe.name} holds ${tenantIds.length} tenants, not ${count}: make it again with --rebuild`);

  const { runs, dataPath } = await measure(db, tenantIds, options);
  const results = summarize(options, db, runs, dataPath);
  report(results);
  emitResults(options, results);
  return Object.values(results.bars).every(Boolean) ? 0 : 3;
}

runBenchmark(main);
