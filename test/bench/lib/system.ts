/**
 * A whole Lifeboat system (the system tests' startSystem: every service and the gateway as
 * processes) protecting a benchmark database, for the length of one function, stopped however
 * that ends (a signal included). A failure carries the last lines of the system's log, and a
 * service that restarted meanwhile fails the run: its measurements would mean nothing. Also the
 * CPU each of its processes has used, to tell where a measurement's time went.
 */
import { SERVICE_NAMES, type System, startSystem } from '../../src/index';
import { deferCleanup } from './cleanup';
import { median, processCpu } from './measure';

const LOG_TAIL_LINES = 30;

/**
 * Starts a system whose protected database is `sourceUrl`, with `env` added to every process
 * (the harness still seeds a demo database of its own, with one tenant, which nothing reads),
 * and runs `fn` with an admin's token and the backup-executor's pid.
 */
export async function withSystem<T>(
  sourceUrl: string,
  env: Record<string, string>,
  fn: (sys: System, token: string, executorPid: number) => Promise<T>,
): Promise<T> {
  const starting = startSystem({ tenants: 1, env: { LIFEBOAT_SOURCE_DATABASE_URL: sourceUrl, ...env } });
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= starting.then((sys) => sys.stop(), () => undefined));
  const forget = deferCleanup(stop);
  try {
    const sys = await starting;
    const token = await sys.login();
    const executorPid = sys.supervisor.pid('backup-executor');
    if (executorPid === undefined) throw new Error('the backup-executor is not running');
    const pids = new Map(SERVICE_NAMES.map((s) => [s, sys.supervisor.pid(s)]));
    try {
      const value = await fn(sys, token, executorPid);
      for (const [service, pid] of pids) {
        const now = sys.supervisor.pid(service);
        if (now !== pid) throw new Error(`the ${service} restarted during the benchmark (pid ${pid}, now ${now})`);
      }
      return value;
    } catch (err) {
      throw systemFailure(sys, err);
    }
  } finally {
    forget();
    await stop();
  }
}

/** `err` with the last lines of the system's log, to tell why a run failed. */
export function systemFailure(sys: System, err: unknown): Error {
  const tail = sys.logs().split('\n').slice(-LOG_TAIL_LINES).join('\n');
  return new Error(`${(err as Error).message}${tail ? `\n--- last lines of the system's log ---\n${tail}` : ''}`, { cause: err });
}

/** What the benchmark's own process counts as in systemCpu: it runs the S3 servers playing R2 and B2. */
const BENCH_PROCESS = 'S3 servers (R2, B2)';

/**
 * CPU seconds used so far by each of the system's processes (with the children they waited for,
 * pg_dump or pg_restore), and by this process, which hosts the S3 servers (BENCH_PROCESS).
 */
export function systemCpu(sys: System): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of [...SERVICE_NAMES, 'gateway']) {
    const pid = sys.supervisor.pid(name);
    if (pid === undefined) continue;
    const cpu = processCpu(pid);
    out[name] = cpu.process + cpu.children;
  }
  const own = process.cpuUsage();
  out[BENCH_PROCESS] = (own.user + own.system) / 1e6;
  return out;
}

/** Each process's CPU seconds from `before` to `after` (both from systemCpu). */
export function cpuBetween(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([name, seconds]) => [name, seconds - (before[name] ?? 0)]));
}

/**
 * Each process's median CPU seconds over `runs`, largest first (those under 0.05 s left out), then
 * what the machine spent besides: PostgreSQL, NATS, anything else running.
 */
export function cpuBreakdown(runs: { processCpuSeconds: Record<string, number>; machineCpuSeconds: number }[]): string {
  const names = Object.keys(runs[0].processCpuSeconds);
  const medians = names.map((name) => [name, median(runs.map((r) => r.processCpuSeconds[name] ?? 0))] as const).sort((a, b) => b[1] - a[1]);
  const rest = median(runs.map((r) => r.machineCpuSeconds - Object.values(r.processCpuSeconds).reduce((a, b) => a + b, 0)));
  return [...medians.filter(([, s]) => s >= 0.05).map(([name, s]) => `${name} ${s.toFixed(1)}`), `PostgreSQL, NATS and the rest ${rest.toFixed(1)}`].join(', ');
}
