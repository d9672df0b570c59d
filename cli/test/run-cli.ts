/** Runs the built `lifeboat` as a real process, the way a user or script does. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLI = join(__dirname, '..', 'src', 'main.js');

/** A config directory that holds no token, so that no test reads the developer's own. */
const EMPTY_CONFIG_HOME = mkdtempSync(join(tmpdir(), 'lifeboat-cli-'));
const EMPTY_CONFIG_DIR = join(EMPTY_CONFIG_HOME, 'config');
process.once('exit', () => rmSync(EMPTY_CONFIG_HOME, { recursive: true, force: true }));

export interface CliResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs `lifeboat ...args` with stdin fed from `input` (and closed), in an environment without the
 * caller's LIFEBOAT_* variables plus `env`. Asynchronous, so that servers in the test's own
 * process keep answering while it runs.
 */
export function runCli(args: string[], options: { env?: Record<string, string>; input?: Buffer | string } = {}): Promise<CliResult> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('LIFEBOAT_')));
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...inherited, LIFEBOAT_CONFIG_DIR: EMPTY_CONFIG_DIR, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  // The CLI may stop reading its input early (a failed decrypt, inspect reading only the header).
  child.stdin.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  child.stdin.end(options.input);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8') }));
  });
}
