/**
 * `npm run bench -- rpo [--minutes M] [--rate R] [--archive-timeout S] [--json] [--out FILE] [--env NAME=VALUE ...]`
 *
 * The recovery point objective of continuous WAL archiving, measured: under a steady write load on
 * the demo database of a cluster that archives with `lifeboat wal-push` (startArchivingCluster),
 * shipped by a whole system (startSystem) to R2 and B2, how long from each commit until the WAL
 * segment holding it is stored in both (its `backup_executor.wal_segment.archived_at`).
 *
 *   - The load is the demo application's (writeLoad: `--rate` transactions per second as demo_app).
 *     Right after each commit, a second session reads pg_current_wal_insert_lsn(): the commit has
 *     returned, so its record ends at or before that position, and the segment holding the byte
 *     before it is archived no earlier than the commit's own. The sample is an upper bound, late
 *     by the time the read takes (printed as "LSN read lag").
 *   - Commits are measured for `--minutes`; the load then goes on, unmeasured, until the segment of
 *     every measured commit is archived. Nothing calls pg_switch_wal(): the last measured commits
 *     wait for their segment to be closed by archive_timeout (or by filling up) under the same load
 *     as every other, so the end of the window is no better and no worse than its middle.
 *   - Before the load starts, the WAL of creating and seeding the database is shipped, so the
 *     measured segments do not queue behind it.
 *   - Also per segment, to tell archive_timeout from Lifeboat's own delay: closed (the segment
 *     switch, bracketed by the LSN reads of the commits before and after it) to spooled (PostgreSQL's
 *     archiver and wal-push), spooled to stored in R2 and B2 (the executor's shipping), and the time
 *     between segment switches.
 *
 * Exit status: 0 the bar met, 3 the bar missed, 1 a run failed (the reason is printed), 2 bad usage.
 * The load, the system and the cluster (with its spool) are stopped and removed however the run ends.
 */
import { readdir } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { writeLoad } from '@lifeboat/demo-app';
import { withAdmin } from '@lifeboat/testkit';
import { type ArchivingCluster, type System, startArchivingCluster, startSystem } from '../src/index';
import { runBenchmark } from './lib/cli';
import { systemFailure } from './lib/system';
import { deferCleanup } from './lib/cleanup';
import { CORES, machineCpu } from './lib/measure';
import { num, pad, verdict } from './lib/format';

/** The issue's target: 95 % of commits stored in R2 and B2 within 90 s (archive_timeout 60 s plus shipping). */
const BAR = { percentile: 0.95, seconds: 90 };
const POLL_MS = 1000;
/** How long the WAL of seeding may take to ship before the load starts. */
const DRAIN_TIMEOUT_MS = 5 * 60_000;
/** After the window: the last segment closes within archive_timeout; shipping gets this much more. */
const ARCHIVE_GRACE_MS = 5 * 60_000;
const HISTOGRAM_WIDTH = 40;

interface Options {
  minutes: number;
  rate: number;
  archiveTimeout: number;
  json: boolean;
  out?: string;
  env: Record<string, string>;
}

const USAGE = `usage: npm run bench -- rpo [--minutes M] [--rate R] [--archive-timeout S] [--json] [--out FILE] [--env NAME=VALUE ...]
  --minutes M           how long commits are measured (default 5)
  --rate R              demo transactions per second (default 10)
  --archive-timeout S   the cluster's archive_timeout in seconds (default 60)
  --json                print the raw results as JSON on the last line
  --out FILE            write the raw results as JSON to FILE
  --env NAME=VALUE      an extra setting for every Lifeboat process (e.g. LIFEBOAT_WAL_COMPRESSION_LEVEL=1)`;

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        minutes: { type: 'string', default: '5' },
        rate: { type: 'string', default: '10' },
        'archive-timeout': { type: 'string', default: '60' },
        json: { type: 'boolean', default: false },
        out: { type: 'string' },
        env: { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    return usage((err as Error).message);
  }
}

function parseOptions(argv: string[]): Options {
  const { values } = parse(argv);
  if (values.help) usage();
  const minutes = Number(values.minutes);
  if (!(minutes > 0)) usage(`--minutes must be a positive number, got ${values.minutes}`);
  const rate = Number(values.rate);
  if (!(rate > 0)) usage(`--rate must be a positive number, got ${values.rate}`);
  const archiveTimeout = Number(values['archive-timeout']);
  if (!Number.isInteger(archiveTimeout) || archiveTimeout < 1) usage(`--archive-timeout must be a positive whole number of seconds, got ${values['archive-timeout']}`);
  const env: Record<string, string> = {};
  for (const entry of values.env) {
    const at = entry.indexOf('=');
    if (at < 1) usage(`--env takes NAME=VALUE, got ${entry}`);
    env[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return { minutes, rate, archiveTimeout, json: values.json, out: values.out, env };
}

function usage(problem?: string): never {
  if (problem) console.error(`${problem}\n${USAGE}`);
  else console.log(USAGE);
  process.exit(problem ? 2 : 0);
}


/** `X/Y` as PostgreSQL prints an LSN. */
function parseLsn(text: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  if (!match) throw new Error(`not an LSN: ${JSON.stringify(text)}`);
  return (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`);
}

/** One commit of the load. */
interface Commit {
  /** Wall clock (ms) when COMMIT returned to the load. */
  committedAt: number;
  /** pg_current_wal_insert_lsn() read right after: at or past the end of the commit record. */
  lsn: bigint;
  /** Wall clock (ms) when that read returned. */
  readAt: number;
  /** Inside the measured window (false: the tail that keeps the load going until it is archived). */
  measured: boolean;
}

/** A row of backup_executor.wal_segment. */
interface Segment {
  name: string;
  start: bigint;
  end: bigint;
  spooledAt: number;
  archivedAt: number;
}

/** The WAL segments archived for `systemId` (in every WAL location), by start LSN. */
async function archivedSegments(metadataUrl: string, systemId: string): Promise<Map<bigint, Segment>> {
  const rows = await withAdmin(async (c) =>
    (await c.query<{ name: string; start_lsn: string; end_lsn: string; spooled_at: Date; archived_at: Date }>(
      `select name, start_lsn, end_lsn, spooled_at, archived_at from backup_executor.wal_segment
       where system_id = $1 and start_lsn is not null and length(name) = 24`,
      [systemId],
    )).rows,
    metadataUrl,
  );
  return new Map(
    rows.map((r) => {
      const start = parseLsn(r.start_lsn);
      return [start, { name: r.name, start, end: parseLsn(r.end_lsn), spooledAt: r.spooled_at.getTime(), archivedAt: r.archived_at.getTime() }];
    }),
  );
}

/** The start of the segment holding the last byte before `lsn` (the commit record's last byte, or later). */
const segmentStartOf = (lsn: bigint, segmentSize: bigint) => ((lsn - 1n) / segmentSize) * segmentSize;

/**
 * Waits until PostgreSQL's archiver has nothing ready and the spool holds no WAL file: everything
 * written so far is in R2 and B2.
 */
async function untilDrained(source: ArchivingCluster): Promise<void> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    const ready = await withAdmin(async (c) =>
      Number((await c.query<{ n: string }>(`select count(*) as n from pg_ls_archive_statusdir() where name like '%.ready'`)).rows[0].n),
      source.cluster.url(),
    );
    const spooled = (await readdir(source.spoolDir)).filter((f) => /^[0-9A-F]{24}$/.test(f)).length;
    if (ready === 0 && spooled === 0) return;
    last = `${ready} WAL file(s) waiting for the archiver, ${spooled} in the spool`;
    await sleep(POLL_MS);
  }
  throw new Error(`the WAL written before the load was not shipped within ${DRAIN_TIMEOUT_MS / 60_000} min (${last})`);
}

interface Run {
  commits: Commit[];
  segments: Map<bigint, Segment>;
  segmentSize: bigint;
  windowStart: number;
  windowEnd: number;
  /** When the last measured commit's segment was seen archived (or the wait gave up). */
  doneAt: number;
  /** Measured commits whose segment was not archived when the wait gave up. */
  unarchived: number;
  /** WAL PostgreSQL wrote during the window (pg_stat_wal.wal_bytes). */
  walBytes: number;
  /** Share of all cores busy from the start of the load to its end. */
  machineBusy: number;
  loadAverage: { before: number[]; after: number[] };
  archiver: { archived: number; failed: number };
  executorRestarted: boolean;
}

/**
 * Runs the load on `source` while `sys` ships its WAL: measured for the window, then on until the
 * segment of every measured commit is archived (or the grace period is over).
 */
async function measure(source: ArchivingCluster, sys: System, systemId: string, options: Options): Promise<Run> {
  const metadataUrl = sys.env.LIFEBOAT_DATABASE_URL;
  const segmentSize = await withAdmin(async (c) =>
    BigInt((await c.query<{ setting: string }>(`select setting from pg_settings where name = 'wal_segment_size'`)).rows[0].setting),
    source.cluster.url(),
  );
  const executorPid = sys.supervisor.pid('backup-executor');
  const sampler = new Client({ connectionString: source.url });
  // A connection lost while idle (the cluster stopped on Ctrl-C) must not end the process.
  sampler.on('error', () => undefined);
  await sampler.connect();
  const commits: Commit[] = [];
  const stop = new AbortController();
  let failure: unknown;
  let reads = Promise.resolve();
  const walBytes = () => withAdmin(async (c) => Number((await c.query<{ b: string }>('select wal_bytes as b from pg_stat_wal')).rows[0].b), source.cluster.url());
  const walBefore = await walBytes();
  let walInWindow = 0;
  const loadAverageBefore = loadavg();
  const cpuBefore = machineCpu();
  const windowStart = Date.now();
  const windowEnd = windowStart + options.minutes * 60_000;
  const load = writeLoad(source.url, {
    ratePerSecond: options.rate,
    signal: stop.signal,
    onCommit: () => {
      const committedAt = Date.now();
      // Reads in commit order on one session; each starts as soon as the one before returns.
      reads = reads.then(async () => {
        if (failure !== undefined) return;
        try {
          const { rows } = await sampler.query<{ lsn: string }>('select pg_current_wal_insert_lsn()::text as lsn');
          commits.push({ committedAt, lsn: parseLsn(rows[0].lsn), readAt: Date.now(), measured: committedAt < windowEnd });
        } catch (err) {
          failure = err;
        }
      });
    },
  }).catch((err: unknown) => {
    failure ??= err;
  });
  const end = async () => {
    stop.abort();
    await load;
    await reads;
    await sampler.end().catch(() => undefined);
  };
  const forgetLoad = deferCleanup(end);
  const check = () => {
    if (failure !== undefined) throw new Error(`the write load failed: ${failure instanceof Error ? failure.message : String(failure)}`, { cause: failure });
  };
  const measured = () => commits.filter((c) => c.measured);
  const missing = (segments: Map<bigint, Segment>) => measured().filter((c) => !segments.has(segmentStartOf(c.lsn, segmentSize))).length;
  let segments = new Map<bigint, Segment>();
  let doneAt = 0;
  try {
    console.log(`load: ${options.rate} transactions/s, measured for ${options.minutes} min (until ${new Date(windowEnd).toISOString()})`);
    let reported = windowStart;
    while (Date.now() < windowEnd) {
      check();
      await sleep(Math.min(POLL_MS, Math.max(windowEnd - Date.now(), 0)));
      if (Date.now() - reported >= 60_000) {
        reported = Date.now();
        segments = await archivedSegments(metadataUrl, systemId);
        console.log(`  ${((reported - windowStart) / 60_000).toFixed(0)} min: ${commits.length} commits, ${missing(segments)} of them not archived yet`);
      }
    }
    walInWindow = (await walBytes()) - walBefore;
    await reads;
    check();
    if (measured().length === 0) throw new Error('no commit in the measured window');
    console.log(`window over: ${measured().length} commits measured; the load goes on until their segments are archived`);
    const deadline = windowEnd + options.archiveTimeout * 2000 + ARCHIVE_GRACE_MS;
    segments = await archivedSegments(metadataUrl, systemId);
    while (missing(segments) > 0 && Date.now() < deadline) {
      check();
      await sleep(POLL_MS);
      segments = await archivedSegments(metadataUrl, systemId);
    }
    doneAt = Date.now();
  } finally {
    forgetLoad();
    await end();
  }
  check();
  const cpu = machineCpu();
  const archiver = await withAdmin(async (c) =>
    (await c.query<{ archived_count: string; failed_count: string }>('select archived_count, failed_count from pg_stat_archiver')).rows[0],
    source.cluster.url(),
  );
  return {
    commits,
    segments,
    segmentSize,
    windowStart,
    windowEnd,
    doneAt,
    unarchived: missing(segments),
    walBytes: walInWindow,
    machineBusy: (cpu.busy - cpuBefore.busy) / Math.max(cpu.total - cpuBefore.total, 1e-9),
    loadAverage: { before: loadAverageBefore, after: loadavg() },
    archiver: { archived: Number(archiver.archived_count), failed: Number(archiver.failed_count) },
    executorRestarted: sys.supervisor.pid('backup-executor') !== executorPid,
  };
}

/** Nearest rank: the smallest value with at least `p` of all values at or below it. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

interface Distribution {
  count: number;
  min: number;
  median: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** Seconds; Infinity counts as a value above every other. */
function distribution(values: number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => percentile(sorted, p);
  return { count: sorted.length, min: sorted[0], median: at(0.5), p90: at(0.9), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] };
}

interface SegmentReport {
  name: string;
  /** Measured commits it holds. */
  commits: number;
  /** Its switch, estimated as the middle of the bracket the LSN reads give (ms, wall clock). */
  closedAt?: number;
  /** Width of that bracket, ms. */
  closedWithinMs?: number;
  spooledAt: number;
  archivedAt: number;
}

interface Results {
  machine: { cores: number; loadAverage: Run['loadAverage']; busyShare: number };
  options: Omit<Options, 'json' | 'out'>;
  window: { start: string; end: string; archivedBy: string };
  walBytesPerSecond: number;
  segmentSizeBytes: number;
  archiver: Run['archiver'];
  executorRestarted: boolean;
  unarchived: number;
  rpoSeconds: Distribution;
  /** Per measured commit: from the commit to the switch that closed its segment. */
  untilClosedSeconds: Distribution | null;
  /** Per segment: from its switch to stored in R2 and B2. */
  closedToStoredSeconds: Distribution | null;
  shippingSeconds: Distribution | null;
  closedToSpooledSeconds: Distribution | null;
  switchIntervalSeconds: Distribution | null;
  lsnReadLagMs: Distribution;
  segments: SegmentReport[];
  /** Per measured commit, in commit order: seconds from commit to stored in R2 and B2 (null: never). */
  rpo: (number | null)[];
  bar: { percentile: number; seconds: number; value: number; pass: boolean };
}

function summarize(run: Run, options: Options): Results {
  const { commits, segments, segmentSize } = run;
  const measured = commits.filter((c) => c.measured);
  const segmentOf = (c: Commit) => segments.get(segmentStartOf(c.lsn, segmentSize));
  const rpo = measured.map((c) => {
    const s = segmentOf(c);
    return s ? (s.archivedAt - c.committedAt) / 1000 : Infinity;
  });
  // The segments holding measured commits, in WAL order, with the switch that closed each one:
  // after its last commit (whose LSN read, sent after the commit, still saw this segment), and no
  // later than the return of the next commit's LSN read (which saw a later one).
  const holding = [...new Set(measured.map((c) => segmentStartOf(c.lsn, segmentSize)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const reports: SegmentReport[] = [];
  for (const start of holding) {
    const s = segments.get(start);
    if (!s) continue;
    const lastIn = commits.findLastIndex((c) => segmentStartOf(c.lsn, segmentSize) === start);
    const next = commits[lastIn + 1];
    const report: SegmentReport = { name: s.name, commits: measured.filter((c) => segmentStartOf(c.lsn, segmentSize) === start).length, spooledAt: s.spooledAt, archivedAt: s.archivedAt };
    if (next) {
      report.closedAt = (commits[lastIn].committedAt + next.readAt) / 2;
      report.closedWithinMs = next.readAt - commits[lastIn].committedAt;
    }
    reports.push(report);
  }
  const closed = reports.filter((r) => r.closedAt !== undefined);
  const intervals = closed.slice(1).map((r, i) => (r.closedAt! - closed[i].closedAt!) / 1000);
  const closedAtOf = new Map(reports.map((r) => [r.name, r.closedAt]));
  const untilClosed = measured.flatMap((c) => {
    const at = closedAtOf.get(segmentOf(c)?.name ?? '');
    return at === undefined ? [] : [(at - c.committedAt) / 1000];
  });
  const rpoDistribution = distribution(rpo);
  const seconds = (ms: number) => ms / 1000;
  return {
    machine: { cores: CORES, loadAverage: run.loadAverage, busyShare: run.machineBusy },
    options: { minutes: options.minutes, rate: options.rate, archiveTimeout: options.archiveTimeout, env: options.env },
    window: { start: new Date(run.windowStart).toISOString(), end: new Date(run.windowEnd).toISOString(), archivedBy: new Date(run.doneAt).toISOString() },
    walBytesPerSecond: run.walBytes / seconds(run.windowEnd - run.windowStart),
    segmentSizeBytes: Number(segmentSize),
    archiver: run.archiver,
    executorRestarted: run.executorRestarted,
    unarchived: run.unarchived,
    rpoSeconds: rpoDistribution,
    untilClosedSeconds: untilClosed.length ? distribution(untilClosed) : null,
    closedToStoredSeconds: closed.length ? distribution(closed.map((r) => seconds(r.archivedAt - r.closedAt!))) : null,
    shippingSeconds: reports.length ? distribution(reports.map((r) => seconds(r.archivedAt - r.spooledAt))) : null,
    closedToSpooledSeconds: closed.length ? distribution(closed.map((r) => seconds(r.spooledAt - r.closedAt!))) : null,
    switchIntervalSeconds: intervals.length ? distribution(intervals) : null,
    lsnReadLagMs: distribution(measured.map((c) => c.readAt - c.committedAt)),
    segments: reports,
    rpo: rpo.map((v) => (Number.isFinite(v) ? Number(v.toFixed(3)) : null)),
    bar: { ...BAR, value: rpoDistribution.p95, pass: rpoDistribution.p95 < BAR.seconds },
  };
}

/** A round bucket width giving about a dozen buckets up to `max`. */
function bucketWidth(max: number): number {
  const steps = [0.5, 1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 1800, 3600];
  return steps.find((s) => max / s <= 14) ?? steps[steps.length - 1];
}

function histogram(values: number[]): string[] {
  const finite = values.filter(Number.isFinite);
  const never = values.length - finite.length;
  const width = bucketWidth(Math.max(...finite, 1));
  const counts: number[] = [];
  for (const v of finite) {
    const i = Math.floor(v / width);
    counts[i] = (counts[i] ?? 0) + 1;
  }
  const most = Math.max(...counts.filter((n) => n !== undefined), never, 1);
  const label = (from: number) => `${`${from}–${from + width} s`.padStart(12)}`;
  const bar = (n: number) => `${'█'.repeat(Math.round((n / most) * HISTOGRAM_WIDTH)) || (n > 0 ? '▏' : '')}`;
  const lines = Array.from(counts, (n = 0, i) => `  ${label(i * width)} ${String(n).padStart(6)}  ${bar(n)}`);
  if (never > 0) lines.push(`  ${'never'.padStart(12)} ${String(never).padStart(6)}  ${bar(never)}`);
  return lines;
}

const row = (d: Distribution, digits = 1) => [d.min, d.median, d.p90, d.p95, d.p99, d.max].map((v) => (Number.isFinite(v) ? num(v, digits) : '  never')).join(' ');
const LABEL_WIDTH = 52;
const HEADER = `${pad('', LABEL_WIDTH + 2)}  count     min  median     p90     p95     p99     max`;

function report(results: Results, rpoValues: number[]): void {
  const o = results.options;
  const m = results.machine;
  console.log(`\nRPO of WAL archiving: ${o.rate} demo transactions/s for ${o.minutes} min, archive_timeout ${o.archiveTimeout} s, WAL to R2 and B2`);
  if (Object.keys(o.env).length > 0) console.log(`Lifeboat settings: ${Object.entries(o.env).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  const kBps = results.walBytesPerSecond / 1000;
  const fillMinutes = results.segmentSizeBytes / results.walBytesPerSecond / 60;
  console.log(`WAL written: ${kBps.toFixed(1)} kB/s (a ${results.segmentSizeBytes / 2 ** 20} MiB segment fills in ${fillMinutes.toFixed(1)} min); ${results.segments.length} segments hold the measured commits`);
  console.log(
    `machine: ${m.cores} cores, ${(m.busyShare * 100).toFixed(0)} % busy during the run, load average ${m.loadAverage.before[0].toFixed(2)} at the start, ${m.loadAverage.after[0].toFixed(2)} at the end`,
  );
  console.log(`\n${HEADER}`);
  const line = (label: string, d: Distribution | null, digits = 1) => {
    if (d) console.log(`  ${pad(label, LABEL_WIDTH)}  ${String(d.count).padStart(5)} ${row(d, digits)}`);
  };
  line('RPO, per commit: commit -> stored in R2 and B2 (s)', results.rpoSeconds);
  line('  per commit: commit -> its segment closed (s)', results.untilClosedSeconds);
  line('  per segment: closed -> stored in R2 and B2 (s)', results.closedToStoredSeconds, 2);
  line('    closed -> spooled (archiver, wal-push) (s)', results.closedToSpooledSeconds, 2);
  line('    spooled -> stored in R2 and B2 (shipping) (s)', results.shippingSeconds, 2);
  line('time between segment switches (s)', results.switchIntervalSeconds);
  line('LSN read lag after commit (ms)', results.lsnReadLagMs, 0);
  console.log(`\nRPO histogram (commits per bucket)`);
  for (const l of histogram(rpoValues)) console.log(l);
  const notes: string[] = [];
  const widest = Math.max(0, ...results.segments.map((s) => s.closedWithinMs ?? 0));
  notes.push(`a segment's switch is known to within ${(widest / 1000).toFixed(2)} s (between the LSN reads of the commits around it)`);
  if (results.unarchived > 0) notes.push(`${results.unarchived} measured commits were not archived by ${results.window.archivedBy}: counted as never`);
  if (results.archiver.failed > 0) notes.push(`PostgreSQL's archiver reported ${results.archiver.failed} failed archive_command runs (${results.archiver.archived} succeeded)`);
  if (results.executorRestarted) notes.push('the backup-executor restarted during the run');
  if (m.busyShare > 0.5) notes.push(`the machine was busy (${(m.busyShare * 100).toFixed(0)} % of ${m.cores} cores): other work ran alongside`);
  for (const n of notes) console.log(`  note: ${n}`);
  console.log('\nbar');
  const b = results.bar;
  const value = Number.isFinite(b.value) ? `${b.value.toFixed(1)} s` : 'never';
  console.log(`  RPO p${b.percentile * 100} < ${b.seconds} s   ${value}   ${verdict(b.pass)}`);
}

/** `fn` run once, however many callers ask (the signal handler's cleanup, and `finally`). */
function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  console.log(`archiving cluster: PostgreSQL 15, archive_timeout ${options.archiveTimeout} s, seeded demo database`);
  const startingCluster = startArchivingCluster({ archiveTimeoutSeconds: options.archiveTimeout });
  const destroyCluster = once(() => startingCluster.then((c) => c.destroy(), () => undefined));
  const forgetCluster = deferCleanup(destroyCluster);
  try {
    const source = await startingCluster;
    const systemId = await source.cluster.systemIdentifier();
    console.log(`system: every service, R2 and B2 emulators, shipping from the cluster's spool`);
    const startingSystem = startSystem({ tenants: 1, env: { LIFEBOAT_SOURCE_DATABASE_URL: source.url, LIFEBOAT_WAL_SPOOL_DIR: source.spoolDir, ...options.env } });
    const stopSystem = once(() => startingSystem.then((s) => s.stop(), () => undefined));
    const forgetSystem = deferCleanup(stopSystem);
    try {
      const sys = await startingSystem;
      try {
        console.log('shipping the WAL of creating and seeding the database first ...');
        await untilDrained(source);
        const run = await measure(source, sys, systemId, options);
        const results = summarize(run, options);
        report(results, results.rpo.map((v) => v ?? Infinity));
        if (options.out) writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
        else if (options.json) console.log(JSON.stringify(results));
        return results.bar.pass ? 0 : 3;
      } catch (err) {
        throw systemFailure(sys, err);
      }
    } finally {
      forgetSystem();
      await stopSystem();
    }
  } finally {
    forgetCluster();
    await destroyCluster();
  }
}

runBenchmark(main);
