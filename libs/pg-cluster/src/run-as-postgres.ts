/**
 * Running programs as the `postgres` OS user. PostgreSQL's server programs (initdb, pg_ctl,
 * postgres) refuse to run as root, and a data directory must belong to the user its server runs
 * as. When this process is root, programs run through `runuser -u postgres --` and the files it
 * writes into a data directory are given to postgres; otherwise programs run directly, as the
 * current user, who then owns the clusters it makes.
 *
 * Programs run in `/` (postgres may not be able to enter the caller's working directory), so
 * callers pass absolute paths; and with LC_ALL=C, so that their messages and pg_controldata's
 * labels are the ones this library parses and quotes.
 */
import { execFile, spawn } from 'node:child_process';
import { chown } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { LifeboatError, messageOf, type ErrorCode } from '@lifeboat/errors';

export const POSTGRES_USER = 'postgres';
const STDERR_TAIL = 4000;

export interface RunOptions {
  /** Names the program in error messages (default: the program's path). */
  label?: string;
  /** Variables added to this process's environment (LC_ALL=C is always set). */
  env?: NodeJS.ProcessEnv;
  /** Fed to the program's stdin, then closed; by default stdin is empty. A failure of this stream
   *  fails the run even if the program exited 0 (it saw an input that ended early). A program
   *  that exits 0 without reading all of it (tar stops at its end-of-archive blocks) succeeds:
   *  what it left was not its to read. */
  input?: Readable;
  /** Working directory; default `/`. */
  cwd?: string;
  /** The error code of a failure; default INTERNAL. */
  code?: ErrorCode;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** The tail of its stderr. */
  stderr: string;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The command line that runs `program` as postgres: through runuser when root. */
function asPostgres(program: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', POSTGRES_USER, '--', program, ...args]] : [program, args];
}

/**
 * Runs the program as postgres to its end and reports how it ended, whatever the exit code.
 * Rejects only when it could not be started, or when `input` failed (whatever the exit code).
 */
export async function spawnAsPostgres(program: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const label = options.label ?? program;
  const [command, argv] = asPostgres(program, args);
  const child = spawn(command, argv, {
    cwd: options.cwd ?? '/',
    env: { ...process.env, ...options.env, LC_ALL: 'C' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (!options.input) child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-STDERR_TAIL)));
  // The input's own failure is kept aside until the program has ended, and reported then. The
  // program closing its stdin before the end (EPIPE) is not one: how it exits tells whether it
  // failed, or stopped reading because it had what it needed.
  let inputError: unknown;
  const input = options.input;
  if (input) {
    input.on('error', (err) => {
      inputError ??= err;
      // The program sees its input end where it failed.
      child.stdin.destroy();
    });
    // EPIPE: the program stopped reading (pipe() unpipes on it); how it exits tells the rest.
    child.stdin.on('error', () => undefined);
    input.pipe(child.stdin);
  }
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  // What the program did not read is not read any further.
  input?.unpipe(child.stdin);
  input?.destroy();
  if (ended.error) {
    throw new LifeboatError(options.code ?? 'INTERNAL', `${label} could not start (${ended.error.message})`, {
      cause: ended.error,
      details: { program },
      hint: isRoot() ? `runuser and ${program} must be installed (running as root, programs run as the ${POSTGRES_USER} user)` : undefined,
    });
  }
  const result = { code: ended.code, signal: ended.signal, stdout, stderr };
  if (inputError !== undefined) {
    // The input's failure is the cause; the program's complaint (an archive cut short), if any, its symptom.
    const symptom = ended.code === 0 ? '' : ` (then ${failureOf(result, label)})`;
    throw new LifeboatError(options.code ?? 'INTERNAL', `${label}: its input failed: ${messageOf(inputError)}${symptom}`, {
      cause: inputError,
      details: { program },
    });
  }
  return result;
}

/**
 * Runs the program as postgres and resolves with its stdout; rejects with a LifeboatError naming
 * the program, how it ended and the last lines of its stderr when it did not exit 0.
 */
export async function runAsPostgres(program: string, args: string[], options: RunOptions = {}): Promise<string> {
  const result = await spawnAsPostgres(program, args, options);
  if (result.code !== 0) throw new LifeboatError(options.code ?? 'INTERNAL', failureOf(result, options.label ?? program), { details: { program } });
  return result.stdout;
}

/** `<label> exited with code N: <last lines of its stderr>` */
function failureOf(result: RunResult, label: string): string {
  const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
  const said = result.stderr.trim() || result.stdout.trim();
  return `${label} ${how}${said ? `: ${said.split('\n').slice(-3).join(' | ')}` : ''}`;
}

const execFileAsync = promisify(execFile);
let account: Promise<{ uid: number; gid: number }> | undefined;

/** The postgres user's uid and gid (looked up once). */
function postgresAccount(): Promise<{ uid: number; gid: number }> {
  account ??= (async () => {
    try {
      const [uid, gid] = await Promise.all(['-u', '-g'].map(async (flag) => Number((await execFileAsync('id', [flag, POSTGRES_USER])).stdout.trim())));
      return { uid, gid };
    } catch (err) {
      account = undefined;
      throw new LifeboatError('CONFIG_INVALID', `there is no ${POSTGRES_USER} OS user to run PostgreSQL as`, {
        cause: err,
        hint: `running as root, clusters run as the ${POSTGRES_USER} user: install PostgreSQL's server package, or run as a non-root user`,
      });
    }
  })();
  return account;
}

/** Gives `path` to postgres when this process is root (files written into a data directory);
 *  does nothing otherwise, the current user being the cluster's owner. */
export async function giveToPostgres(path: string): Promise<void> {
  if (!isRoot()) return;
  const { uid, gid } = await postgresAccount();
  await chown(path, uid, gid);
}
