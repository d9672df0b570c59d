/**
 * Measuring on a Linux machine: child processes timed with the monotonic clock (with the CPU
 * their process tree used, from bash's `times`), CPU time of a process and of its main thread and
 * of the whole machine (from /proc), a process's peak memory (VmHWM, which can be reset), waiting
 * for the machine to be quiet before a measurement, and medians. Children run in their own process group and are
 * killed with it on cleanup.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { deferCleanup } from './cleanup';

const STDERR_TAIL = 4000;

/** Clock ticks per second of the times in /proc (USER_HZ). */
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

export const CORES = availableParallelism();

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts a program in its own process group, killed (the whole group) by cleanUp() until it exits. */
function start(program: string, args: string[], stdout: 'pipe' | 'ignore'): { child: ChildProcess; finished: Promise<Finished> } {
  const child = spawn(program, args, { detached: true, stdio: ['ignore', stdout, 'pipe'] });
  const forget = deferCleanup(() => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGTERM');
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString('utf8')).slice(-STDERR_TAIL)));
  const finished = new Promise<Finished>((resolve, reject) => {
    child.once('error', (e) => {
      forget();
      reject(new Error(`could not start ${program}: ${e.message}`));
    });
    child.once('close', (code, signal) => {
      forget();
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });
  return { child, finished };
}

function failure(label: string, { code, signal, stderr }: Finished): Error {
  const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  return new Error(`${label} ${why}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-5).join(' | ')}` : ''}`);
}

/** Runs a program to completion; rejects with the tail of its stderr when it fails. */
export async function runCommand(program: string, args: string[], label: string): Promise<string> {
  const result = await start(program, args, 'pipe').finished;
  if (result.code !== 0) throw failure(label, result);
  return result.stdout;
}

export interface Timed {
  /** Wall-clock seconds from starting the shell to its exit. */
  seconds: number;
  /** CPU seconds (user + system) of every process the shell ran. */
  cpuSeconds: number;
}

/** `text` as one word of a shell command line. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs a shell command line under `bash -o pipefail` and times it with process.hrtime.bigint()
 * around the child; rejects when any stage of a pipeline fails. The line's stdout is discarded.
 */
export async function timeShell(line: string, label: string): Promise<Timed> {
  // `times` prints the shell's own CPU time then its children's, each as user and system.
  const script = `${line}\nstatus=$?\ntimes >&2\nexit $status`;
  const startedAt = process.hrtime.bigint();
  const result = await start('bash', ['-o', 'pipefail', '-c', script], 'ignore').finished;
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  if (result.code !== 0) throw failure(label, result);
  const children = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(result.stderr);
  if (!children) throw new Error(`${label}: no CPU times in bash's output: ${result.stderr.slice(-200)}`);
  const [, um, us, sm, ss] = children.map(Number);
  return { seconds, cpuSeconds: um * 60 + us + sm * 60 + ss };
}

/** Fields 3 onwards of /proc/<pid>/stat (after the command name, which may hold spaces). */
function statFields(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).trim().split(' ');
}

export interface ProcessCpu {
  /** CPU seconds of every thread of the process. */
  process: number;
  /** CPU seconds of its main thread alone. */
  mainThread: number;
  /** CPU seconds of the children it has waited for. */
  children: number;
}

/** CPU seconds used so far by a process (utime, stime, cutime, cstime of proc(5)). */
export function processCpu(pid: number): ProcessCpu {
  const all = statFields(`/proc/${pid}/stat`).map(Number);
  const main = statFields(`/proc/${pid}/task/${pid}/stat`).map(Number);
  return {
    process: (all[11] + all[12]) / CLOCK_TICKS,
    mainThread: (main[11] + main[12]) / CLOCK_TICKS,
    children: (all[13] + all[14]) / CLOCK_TICKS,
  };
}

export function cpuSince(before: ProcessCpu, after: ProcessCpu): ProcessCpu {
  return { process: after.process - before.process, mainThread: after.mainThread - before.mainThread, children: after.children - before.children };
}

export interface MachineCpu {
  /** CPU seconds spent on anything but idle and I/O wait, on all cores together. */
  busy: number;
  /** CPU seconds of all cores together, idle included. */
  total: number;
}

export function machineCpu(): MachineCpu {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / CLOCK_TICKS, total: (busy + idle + iowait) / CLOCK_TICKS };
}

function statusBytes(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** Peak resident memory of a process since it started (or since resetPeakRss), in bytes. */
export function peakRss(pid: number): number {
  return statusBytes(pid, 'VmHWM');
}

/** Resident memory of a process now, in bytes. */
export function currentRss(pid: number): number {
  return statusBytes(pid, 'VmRSS');
}

/**
 * Sets a process's peak resident memory back to its current resident memory, so that peakRss
 * tells the peak from now on (proc(5), /proc/<pid>/clear_refs: 5). Needs the right to write that
 * file: the process's owner, or root.
 */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}


/** Before each measurement: under 15 % of all cores busy for 3 s in a row, waiting a minute at most. */
export const QUIET = { maxBusy: 0.15, settleSeconds: 3, timeoutSeconds: 60 };

/**
 * Waits until the whole machine has been busy less than `maxBusy` (a share of all cores) for
 * `settleSeconds` seconds in a row, at most `timeoutSeconds`. Resolves with whether it got quiet.
 */
export async function waitForQuiet(options: { maxBusy: number; settleSeconds: number; timeoutSeconds: number }): Promise<boolean> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let quietFor = 0;
  let last = machineCpu();
  while (Date.now() < deadline) {
    await sleep(1000);
    const now = machineCpu();
    const share = (now.busy - last.busy) / Math.max(now.total - last.total, 1e-9);
    last = now;
    quietFor = share < options.maxBusy ? quietFor + 1 : 0;
    if (quietFor >= options.settleSeconds) return true;
  }
  return false;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
