/**
 * `npm run bench -- backup [--rounds N] [--rebuild] [--json] [--out FILE] [--env NAME=VALUE ...]`
 *
 * How fast a full backup is against the shell pipelines an operator would otherwise write, on a
 * database of about 1.4 GiB (pgbench scale 70 and 300,000 JSON documents), made once and kept:
 *   - Lifeboat: FULL_DATABASE through the gateway of a whole system (startSystem) whose protected
 *     database is the benchmark's; the time is the record's durationSeconds (start to COMPLETED in
 *     the first location); also the time until VERIFIED in all three locations and the ratio;
 *   - pg_dump -Fc -Z0 | gzip -9 | openssl enc -aes-256-cbc -pbkdf2 | sha256sum;
 *   - the same with pigz -9;
 *   - pg_dump -Fc -Z0 alone.
 * Each round runs all four, in an order that rotates from round to round, each on a quiet machine
 * (the previous backup verified everywhere, nothing else busy). Then the executor's peak memory
 * (VmHWM) after the large database's backups, and again with fresh processes on a database a
 * tenth of the size: it must stay under the bar and not grow with the database.
 *
 * Exit status: 0 every bar met, 3 a bar missed, 1 a run failed (the reason is printed), 2 bad usage.
 * The system is stopped and its temporary databases and directories removed however the run ends;
 * the benchmark databases are kept for the next run (`--rebuild` makes them again).
 */
import { execFileSync } from 'node:child_process';
import { type System, triggerFull } from '../src/index';
import { type BenchOptions, emitResults, parseBenchArgs, runBenchmark } from './lib/cli';
import { type BenchDatabase, LARGE_RECIPE, SMALL_RECIPE, ensureBenchDatabase } from './lib/databases';
import { MIB, gb, gib, mb, mib, num, pad, verdict } from './lib/format';
import { allVerified, fullBackupOf, untilJob } from './lib/jobs';
import { CORES, type ProcessCpu, QUIET, cpuSince, machineCpu, median, peakRss, processCpu, shellQuote, timeShell, waitForQuiet } from './lib/measure';
import { withSystem } from './lib/system';

const BARS = {
  /** Lifeboat's full backup / the pigz -9 pipeline, at most. */
  lifeboatOverPigz: 1.15,
  /** The gzip -9 pipeline / Lifeboat's full backup, at least. */
  gzipOverLifeboat: 1.4,
  /** The executor's peak resident memory, below. */
  peakRss: 200 * MIB,
  /**
   * How much more the executor may peak at with the large database than with the small one: its
   * heaps differ by a few MiB from run to run, while memory that grew with the data would show
   * ten times what the small database costs.
   */
  peakRssGrowth: 20 * MIB,
};

type ContenderId = 'lifeboat' | 'gzip' | 'pigz' | 'pgdump';
const CONTENDERS: ContenderId[] = ['lifeboat', 'gzip', 'pigz', 'pgdump'];
const LABELS: Record<ContenderId, string> = {
  lifeboat: 'Lifeboat full backup (first location)',
  gzip: 'pg_dump | gzip -9 | openssl enc | sha256sum',
  pigz: 'pg_dump | pigz -9 | openssl enc | sha256sum',
  pgdump: 'pg_dump alone (> /dev/null)',
};

function pipelineOf(contender: Exclude<ContenderId, 'lifeboat'>, url: string): string {
  const dump = `pg_dump -Fc -Z0 --dbname=${shellQuote(url)}`;
  const seal = 'openssl enc -aes-256-cbc -pbkdf2 -pass pass:bench | sha256sum';
  if (contender === 'gzip') return `${dump} | gzip -9 | ${seal}`;
  if (contender === 'pigz') return `${dump} | pigz -9 | ${seal}`;
  return `${dump} > /dev/null`;
}

interface LifeboatDetails {
  /** Start of the backup to VERIFIED in all three locations. */
  verifiedSeconds: number;
  compressionRatio: number;
  dumpBytes: number;
  artifactBytes: number;
  /** CPU of the executor (main thread, its other threads: the gzip workers) and of pg_dump. */
  executorCpu: ProcessCpu;
}

interface Measurement {
  contender: ContenderId;
  round: number;
  seconds: number;
  /** CPU seconds of the contender's own processes (the executor with pg_dump, or the pipeline). */
  cpuSeconds: number;
  /** CPU seconds the whole machine used meanwhile (PostgreSQL's backend among them). */
  machineCpuSeconds: number;
  /** Whether the machine was quiet when it started. */
  quiet: boolean;
  lifeboat?: LifeboatDetails;
}

const USAGE = `usage: npm run bench -- backup [--rounds N] [--rebuild] [--json] [--out FILE] [--env NAME=VALUE ...]
  --rounds N          rounds of the four contenders (default 3)
  --rebuild           generate the benchmark databases again
  --json              print the raw results as JSON on the last line
  --out FILE          write the raw results as JSON to FILE
  --env NAME=VALUE    an extra setting for every Lifeboat process (e.g. LIFEBOAT_COMPRESSION_WORKERS=1)`;

/**
 * One Lifeboat full backup, timed by its own record. Resolves once the job has ended and every
 * backup it made (a base backup too, when the cluster archives WAL) is VERIFIED in every location.
 */
async function lifeboatBackup(sys: System, token: string, executorPid: number): Promise<Omit<Measurement, 'round' | 'quiet'>> {
  const cpuBefore = processCpu(executorPid);
  const machineBefore = machineCpu();
  const jobId = await triggerFull(sys, token);
  const completed = await untilJob(sys, token, jobId, 'the full backup COMPLETED', (job) => {
    const full = fullBackupOf(job);
    return full && (full.status === 'COMPLETED' || full.status === 'VERIFIED') ? full : undefined;
  });
  const cpu = cpuSince(cpuBefore, processCpu(executorPid));
  const machine = machineCpu().busy - machineBefore.busy;
  const verified = await untilJob(sys, token, jobId, 'every backup of the job VERIFIED', (job) => (allVerified(job) ? fullBackupOf(job) : undefined));
  const seconds = verified.durationSeconds!;
  const startedAt = Date.parse(verified.completedAt!) - seconds * 1000;
  return {
    contender: 'lifeboat',
    seconds,
    cpuSeconds: cpu.process + cpu.children,
    machineCpuSeconds: machine,
    lifeboat: {
      verifiedSeconds: (Date.parse(verified.verifiedAt!) - startedAt) / 1000,
      compressionRatio: completed.compressionRatio!,
      dumpBytes: completed.originalSizeBytes!,
      artifactBytes: completed.sizeBytes!,
      executorCpu: cpu,
    },
  };
}

async function pipelineRun(contender: Exclude<ContenderId, 'lifeboat'>, url: string): Promise<Omit<Measurement, 'round' | 'quiet'>> {
  const machineBefore = machineCpu();
  const timed = await timeShell(pipelineOf(contender, url), LABELS[contender]);
  return { contender, seconds: timed.seconds, cpuSeconds: timed.cpuSeconds, machineCpuSeconds: machineCpu().busy - machineBefore.busy };
}

/** The rounds on the large database, then the executor's peak memory after them. */
async function measureLarge(db: BenchDatabase, options: BenchOptions): Promise<{ runs: Measurement[]; peakRssBytes: number }> {
  const runs: Measurement[] = [];
  return withSystem(db.url, options.env, async (sys, token, executorPid) => {
    console.log('warm-up: pg_dump alone once, untimed, so every contender finds the database in the page cache');
    await timeShell(pipelineOf('pgdump', db.url), 'warm-up pg_dump');
    for (let round = 1; round <= options.rounds; round++) {
      for (let i = 0; i < CONTENDERS.length; i++) {
        const contender = CONTENDERS[(i + round - 1) % CONTENDERS.length];
        const quiet = await waitForQuiet(QUIET);
        const run = contender === 'lifeboat' ? await lifeboatBackup(sys, token, executorPid) : await pipelineRun(contender, db.url);
        runs.push({ ...run, round, quiet });
        const verified = run.lifeboat ? `, VERIFIED everywhere after ${run.lifeboat.verifiedSeconds.toFixed(1)} s` : '';
        console.log(`  round ${round}/${options.rounds}  ${pad(contender, 9)} ${num(run.seconds)} s${verified}${quiet ? '' : '  [machine busy when it started]'}`);
      }
    }
    return { runs, peakRssBytes: peakRss(executorPid) };
  });
}

/** The same number of Lifeboat backups of the small database, in fresh processes, for the executor's peak memory. */
async function measureSmall(db: BenchDatabase, options: BenchOptions): Promise<{ seconds: number[]; peakRssBytes: number }> {
  return withSystem(db.url, options.env, async (sys, token, executorPid) => {
    const seconds: number[] = [];
    for (let i = 0; i < options.rounds; i++) {
      await waitForQuiet(QUIET);
      seconds.push((await lifeboatBackup(sys, token, executorPid)).seconds);
    }
    console.log(`small database: ${options.rounds} Lifeboat backups, ${seconds.map((s) => `${s.toFixed(2)} s`).join(', ')}`);
    return { seconds, peakRssBytes: peakRss(executorPid) };
  });
}

interface Results {
  machine: { cores: number; pgDump: string };
  settings: Record<string, string>;
  databases: { name: string; scale: number; documents: number; sizeBytes: number }[];
  rounds: number;
  runs: Measurement[];
  medians: Record<ContenderId, number>;
  small: { seconds: number[] };
  ratios: { lifeboatOverPigz: number; gzipOverLifeboat: number; compression: number };
  verifiedSeconds: number;
  peakRssBytes: { small: number; large: number };
  bars: { lifeboatOverPigz: boolean; gzipOverLifeboat: boolean; peakRss: boolean; peakRssGrowth: boolean };
}

function summarize(options: BenchOptions, large: BenchDatabase, small: BenchDatabase, measured: Awaited<ReturnType<typeof measureLarge>>, smallRuns: Awaited<ReturnType<typeof measureSmall>>): Results {
  const of = (c: ContenderId) => measured.runs.filter((r) => r.contender === c);
  const medians = Object.fromEntries(CONTENDERS.map((c) => [c, median(of(c).map((r) => r.seconds))])) as Record<ContenderId, number>;
  const lifeboat = of('lifeboat').map((r) => r.lifeboat!);
  const peak = { small: smallRuns.peakRssBytes, large: measured.peakRssBytes };
  const ratios = {
    lifeboatOverPigz: medians.lifeboat / medians.pigz,
    gzipOverLifeboat: medians.gzip / medians.lifeboat,
    compression: median(lifeboat.map((l) => l.compressionRatio)),
  };
  return {
    machine: { cores: CORES, pgDump: execFileSync('pg_dump', ['--version'], { encoding: 'utf8' }).trim() },
    settings: options.env,
    databases: [large, small].map((d) => ({ name: d.recipe.name, scale: d.recipe.scale, documents: d.recipe.documents, sizeBytes: d.sizeBytes })),
    rounds: options.rounds,
    runs: measured.runs,
    medians,
    small: { seconds: smallRuns.seconds },
    ratios,
    verifiedSeconds: median(lifeboat.map((l) => l.verifiedSeconds)),
    peakRssBytes: peak,
    bars: {
      lifeboatOverPigz: ratios.lifeboatOverPigz <= BARS.lifeboatOverPigz,
      gzipOverLifeboat: ratios.gzipOverLifeboat >= BARS.gzipOverLifeboat,
      peakRss: Math.max(peak.small, peak.large) < BARS.peakRss,
      peakRssGrowth: peak.large - peak.small <= BARS.peakRssGrowth,
    },
  };
}

function report(results: Results): void {
  const { medians, ratios, bars, runs } = results;
  const lifeboat = runs.filter((r) => r.contender === 'lifeboat').map((r) => r.lifeboat!);
  const busy = runs.filter((r) => !r.quiet).length;
  console.log(`\nfull backup of ${results.databases[0].name} (${gib(results.databases[0].sizeBytes)} on disk, dump ${gb(median(lifeboat.map((l) => l.dumpBytes)))}), ${results.rounds} rounds, ${results.machine.cores} cores, ${results.machine.pgDump}`);
  if (Object.keys(results.settings).length > 0) console.log(`Lifeboat settings: ${Object.entries(results.settings).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  console.log(`\n  ${pad('contender', 46)} median s  × pg_dump   runs (s)                 CPU s  machine CPU s`);
  for (const c of CONTENDERS) {
    const mine = runs.filter((r) => r.contender === c);
    const list = mine.map((r) => r.seconds.toFixed(2)).join(' ');
    console.log(
      `  ${pad(LABELS[c], 46)} ${num(medians[c])}  ${num(medians[c] / medians.pgdump)}   ${pad(list, 22)} ${num(median(mine.map((r) => r.cpuSeconds)), 1)}  ${num(median(mine.map((r) => r.machineCpuSeconds)), 1)}`,
    );
  }
  const cpu = (pick: (p: ProcessCpu) => number) => median(lifeboat.map((l) => pick(l.executorCpu))).toFixed(1);
  console.log(
    `\n  Lifeboat CPU per backup (median s): executor main thread ${cpu((p) => p.mainThread)}, other executor threads (gzip workers, GC helpers) ${cpu((p) => p.process - p.mainThread)}, pg_dump ${cpu((p) => p.children)}`,
  );
  console.log(`  compression ratio (dump / artifact): ${ratios.compression.toFixed(2)} (artifact ${mb(median(lifeboat.map((l) => l.artifactBytes)))})`);
  console.log(`  time until VERIFIED in all three locations (median): ${results.verifiedSeconds.toFixed(1)} s`);
  console.log(`  small database (${results.databases[1].name}, ${gib(results.databases[1].sizeBytes)}): Lifeboat median ${median(results.small.seconds).toFixed(2)} s`);
  if (busy > 0) console.log(`  note: ${busy} of ${runs.length} measurements started while the machine was busy with something else`);
  console.log('\nbars');
  console.log(`  Lifeboat / pigz -9 pipeline   ${num(ratios.lifeboatOverPigz)}  must be <= ${BARS.lifeboatOverPigz}   ${verdict(bars.lifeboatOverPigz)}`);
  console.log(`  gzip -9 pipeline / Lifeboat   ${num(ratios.gzipOverLifeboat)}  must be >= ${BARS.gzipOverLifeboat}    ${verdict(bars.gzipOverLifeboat)}`);
  const peak = results.peakRssBytes;
  const both = (bytes: number) => `${mib(bytes)} (${mb(bytes)})`;
  console.log(`  executor peak RSS: small ${both(peak.small)}, large ${both(peak.large)}; must be < ${mib(BARS.peakRss)}   ${verdict(bars.peakRss)}`);
  console.log(`  executor peak RSS growth, large - small: ${mib(peak.large - peak.small)}; must be <= ${mib(BARS.peakRssGrowth)}   ${verdict(bars.peakRssGrowth)}`);
}

async function main(): Promise<number> {
  const { options } = parseBenchArgs(process.argv.slice(2), USAGE);
  console.log('benchmark databases (made once, kept between runs)');
  const log = (line: string) => console.log(line);
  const large = await ensureBenchDatabase(LARGE_RECIPE, { rebuild: options.rebuild, log });
  const small = await ensureBenchDatabase(SMALL_RECIPE, { rebuild: options.rebuild, log });
  for (const db of [large, small]) {
    console.log(`  ${pad(db.recipe.name, 18)} ${gib(db.sizeBytes)} (${gb(db.sizeBytes)}) on disk: pgbench scale ${db.recipe.scale} + ${db.recipe.documents.toLocaleString('en')} documents${db.generated ? ' (generated now)' : ' (reused)'}`);
  }
  const measured = await measureLarge(large, options);
  const smallRuns = await measureSmall(small, options);
  const results = summarize(options, large, small, measured, smallRuns);
  report(results);
  emitResults(options, results);
  return Object.values(results.bars).every(Boolean) ? 0 : 3;
}

runBenchmark(main);
