/**
 * Local files for the break-glass commands: the input they read (a file or stdin) and an output
 * that only appears once it is complete, so a failed decrypt never leaves a plausible-looking but
 * partial dump behind.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { LifeboatError } from '@lifeboat/errors';

function cannot(what: string, err: unknown): LifeboatError {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  return new LifeboatError('BAD_USER_INPUT', `${what} (${code})`, { cause: err });
}

/** The file named by `path`, or `stdin` when there is none. BAD_USER_INPUT when it cannot be opened. */
export async function openInput(path: string | undefined, stdin: NodeJS.ReadStream): Promise<Readable> {
  if (path === undefined) return stdin;
  try {
    return (await open(path, 'r')).createReadStream();
  } catch (err) {
    throw cannot(`--in ${path}: cannot be read`, err);
  }
}

/**
 * Lets `write` fill a temporary file next to `path` (mode 0600: it may hold decrypted data), then
 * renames it to `path`. If `write` rejects, the temporary file is removed and `path` is untouched.
 */
export async function writeAtomically(path: string, write: (sink: Writable) => Promise<void>): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`);
  let sink: Writable;
  try {
    sink = (await open(temporary, 'wx', 0o600)).createWriteStream();
  } catch (err) {
    throw cannot(`--out ${path}: cannot write in ${dirname(path)}`, err);
  }
  try {
    await write(sink);
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
}
