/**
 * A child process's stdout as a Readable that tells the truth: it ends only after the process
 * exited 0, and errors (naming the program and the tail of its stderr) when the process failed
 * or was killed — even if stdout itself ended cleanly, as it does when pg_dump dies halfway.
 * Put it first in a pipeline: a failure then fails the pipeline before the sink commits.
 * Destroying the stream (the pipeline failing downstream) kills the process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Transform, type TransformCallback } from 'node:stream';
import { LifeboatError } from '@lifeboat/errors';

const STDERR_TAIL = 4000;

export interface ChildStream extends Transform {
  readonly pid: number | undefined;
  /** The process's stderr so far (its tail). */
  stderr(): string;
}

export function spawnOutput(program: string, args: string[], options: { env?: NodeJS.ProcessEnv; label: string }): ChildStream {
  const child: ChildProcess = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-STDERR_TAIL);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });

  const failure = (what: string) =>
    new LifeboatError('BACKUP_FAILED', `${options.label} ${what}${said(stderr)}`, {
      details: { program },
    });

  const out = new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      void exited.then(({ code, signal }) => {
        if (spawnError) done(failure(`could not start (${spawnError.message})`));
        else if (code === 0) done();
        else done(failure(signal ? `was killed by ${signal}` : `exited with code ${code}`));
      });
    },
    destroy(err, done) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      done(err);
    },
  }) as ChildStream;
  child.once('error', (err) => out.destroy(failure(`could not start (${err.message})`)));
  child.stdout!.pipe(out);
  Object.defineProperty(out, 'pid', { get: () => child.pid });
  out.stderr = () => stderr;
  return out;
}

/**
 * What a failed program said, for its error: from its first error line, which is the cause (the
 * ones after it are consequences, such as pg_restore's "a worker process died unexpectedly"),
 * with the lines after it (PostgreSQL's tools print the statement that failed); else its last
 * lines. Three lines at most.
 */
function said(stderr: string): string {
  const lines = stderr.trim().split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return '';
  const firstError = lines.findIndex((l) => /\berror\b/i.test(l));
  return `: ${(firstError >= 0 ? lines.slice(firstError, firstError + 3) : lines.slice(-3)).join(' | ')}`;
}

/** Runs a program to completion, rejecting with its stderr tail when it fails. */
export async function runProgram(program: string, args: string[], options: { env?: NodeJS.ProcessEnv; label: string; code?: 'BACKUP_FAILED' | 'RESTORE_FAILED' }): Promise<string> {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-STDERR_TAIL)));
  const { code, signal, error } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once('error', (e) => resolve({ code: null, signal: null, error: e }));
    child.once('close', (c, s) => resolve({ code: c, signal: s }));
  });
  if (error || code !== 0) {
    const what = error ? `could not start (${error.message})` : signal ? `was killed by ${signal}` : `exited with code ${code}`;
    throw new LifeboatError(options.code ?? 'BACKUP_FAILED', `${options.label} ${what}${said(stderr)}`);
  }
  return stdout;
}
