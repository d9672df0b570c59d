/**
 * Runs a set of processes for `npm start`: prefixes each line of their output with the process
 * name, restarts one that exits unexpectedly (with backoff, reset once it has run for a minute),
 * and on stop() sends SIGTERM to each, then SIGKILL to any still running after the grace period.
 * Children run in their own process groups, so a terminal's Ctrl-C reaches only the supervisor,
 * which then stops exactly what it started. A child also stops when the supervisor dies (see
 * stop-on-signals).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { SUPERVISED_VARIABLE } from './stop-on-signals';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Restart when it exits on its own (default true). */
  restart?: boolean;
}

export interface SupervisorOptions {
  out?: Writable;
  /** Grace period between SIGTERM and SIGKILL at stop. */
  stopTimeoutMs?: number;
  /** First restart delay; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A process that ran this long before exiting restarts with the first delay again. */
  stableAfterMs?: number;
}

interface Managed {
  spec: ProcessSpec;
  /** Killed on purpose: not restarted. */
  retired?: boolean;
  child?: ChildProcess;
  restarts: number;
  delay: number;
  startedAt: number;
  timer?: NodeJS.Timeout;
  exited?: Promise<void>;
}

export type SupervisorEvent = { type: 'started' | 'exited' | 'restarting'; name: string; pid?: number; code?: number | null; signal?: string | null };

export class Supervisor {
  readonly #procs = new Map<string, Managed>();
  readonly #out: Writable;
  readonly #listeners: ((e: SupervisorEvent) => void)[] = [];
  #stopping = false;
  readonly #width: number;

  constructor(
    specs: ProcessSpec[],
    private readonly options: SupervisorOptions = {},
  ) {
    this.#out = options.out ?? process.stdout;
    this.#width = Math.max(...specs.map((s) => s.name.length));
    for (const spec of specs) this.#procs.set(spec.name, { spec, restarts: 0, delay: options.backoffMs ?? 1000, startedAt: 0 });
  }

  on(listener: (e: SupervisorEvent) => void): void {
    this.#listeners.push(listener);
  }

  start(): void {
    for (const m of this.#procs.values()) this.#spawn(m);
  }

  pid(name: string): number | undefined {
    return this.#procs.get(name)?.child?.pid;
  }

  restarts(name: string): number {
    return this.#procs.get(name)?.restarts ?? 0;
  }

  #emit(e: SupervisorEvent): void {
    for (const l of this.#listeners) l(e);
  }

  #line(name: string, text: string): void {
    this.#out.write(`${name.padEnd(this.#width)} | ${text}\n`);
  }

  #spawn(m: Managed): void {
    const { spec } = m;
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env, [SUPERVISED_VARIABLE]: '1' },
      // Our end of the child's stdin closes when we die, however we die: the child then stops.
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    m.child = child;
    m.startedAt = Date.now();
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.#line(spec.name, line));
    }
    m.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#emit({ type: 'exited', name: spec.name, pid: child.pid, code, signal });
        if (!this.#stopping) this.#line(spec.name, `exited (${signal ?? `code ${code}`})`);
        m.child = undefined;
        resolve();
        this.#afterExit(m);
      });
    });
    child.once('error', (err) => this.#line(spec.name, `cannot start: ${err.message}`));
    if (child.pid) this.#emit({ type: 'started', name: spec.name, pid: child.pid });
  }

  #afterExit(m: Managed): void {
    if (this.#stopping || m.retired || m.spec.restart === false) return;
    const stable = Date.now() - m.startedAt >= (this.options.stableAfterMs ?? 60_000);
    if (stable) m.delay = this.options.backoffMs ?? 1000;
    const delay = m.delay;
    m.delay = Math.min(m.delay * 2, this.options.maxBackoffMs ?? 30_000);
    m.restarts++;
    this.#line(m.spec.name, `restarting in ${delay} ms`);
    this.#emit({ type: 'restarting', name: m.spec.name });
    m.timer = setTimeout(() => this.#spawn(m), delay);
  }

  /** Kills one process and does not restart it (a replica dying for good); resolves once it exited. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const m = this.#procs.get(name);
    if (!m?.child?.pid) return;
    m.retired = true;
    signalGroup(m.child.pid, signal);
    await m.exited;
  }

  /** Stops every process it started; resolves when all have exited. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const waits: Promise<void>[] = [];
    for (const m of this.#procs.values()) {
      clearTimeout(m.timer);
      const child = m.child;
      if (!child?.pid) continue;
      signalGroup(child.pid, 'SIGTERM');
      const killer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), this.options.stopTimeoutMs ?? 10_000);
      waits.push(m.exited!.then(() => clearTimeout(killer)));
    }
    await Promise.all(waits);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
